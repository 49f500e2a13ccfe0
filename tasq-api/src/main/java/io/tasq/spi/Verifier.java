package io.tasq.spi;

import java.util.Set;

/**
 * Checks envelope signatures on the worker side, with one or several trusted keys.
 *
 * <p>Implementations compare in constant time and are thread-safe.
 */
public interface Verifier {

    /** The algorithm's name, as in {@link Signer#algorithm()}. */
    String algorithm();

    /** The ids of the keys this verifier trusts. */
    Set<String> keyIds();

    /**
     * Whether {@code signature} is a valid signature, by the trusted key {@code keyId}, of
     * {@code length} bytes of {@code data} from {@code offset}. An unknown key id is {@code false}.
     */
    boolean verify(String keyId, byte[] data, int offset, int length, byte[] signature);
}
