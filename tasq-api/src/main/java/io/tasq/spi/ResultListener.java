package io.tasq.spi;

/**
 * Receives the result envelopes addressed to a client. Called on a backend thread, one result at a
 * time; implementations must return quickly and never throw.
 */
@FunctionalInterface
public interface ResultListener {

    /** One result envelope, opaque to the backend. */
    void onResult(byte[] body);
}
