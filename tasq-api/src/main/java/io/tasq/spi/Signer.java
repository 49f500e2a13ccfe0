package io.tasq.spi;

/**
 * Signs envelopes on the client side.
 *
 * <p>Implementations are thread-safe.
 */
public interface Signer {

    /** The algorithm's name as written in envelopes, for example {@code hmac-sha256} or {@code ed25519}. */
    String algorithm();

    /** Names the key, so a worker can pick the matching one; not secret. */
    String keyId();

    /** The signature of {@code length} bytes of {@code data} from {@code offset}. */
    byte[] sign(byte[] data, int offset, int length);
}
