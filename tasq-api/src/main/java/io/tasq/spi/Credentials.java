package io.tasq.spi;

import java.util.Optional;

/**
 * The keys a transport may use to prove who a peer is, where it routes something to a peer rather
 * than through a broker's own access control: results addressed to a client id, operator requests
 * to a worker. The runtime hands them to a backend through {@link Backend#useCredentials}; a
 * backend never reads keys itself.
 *
 * <p>The client side signs ({@link #signer()}); the worker side checks ({@link #verify}). Both
 * sides have the same object type so that one backend object can serve a client, a worker and an
 * operator's tool. Implementations are immutable and thread-safe.
 */
public interface Credentials {

    /** The key this side signs with; empty when it has none (it then proves nothing). */
    Optional<Signer> signer();

    /**
     * Whether {@code signature} is a valid signature of {@code data}, by the trusted key
     * {@code keyId} of {@code algorithm}. Compares in constant time; an unknown algorithm or key is
     * {@code false}.
     */
    boolean verify(String algorithm, String keyId, byte[] data, byte[] signature);

    /** Whether this side accepts peers that prove nothing (a worker started with {@code --insecure}). */
    boolean acceptsUnsigned();

    /** No key to sign with, none trusted, unsigned peers refused: what a backend has until told otherwise. */
    static Credentials none() {
        return NoCredentials.INSTANCE;
    }
}

/** The credentials of a backend the runtime has not yet given any. */
enum NoCredentials implements Credentials {
    INSTANCE;

    @Override
    public Optional<Signer> signer() {
        return Optional.empty();
    }

    @Override
    public boolean verify(String algorithm, String keyId, byte[] data, byte[] signature) {
        return false;
    }

    @Override
    public boolean acceptsUnsigned() {
        return false;
    }
}
