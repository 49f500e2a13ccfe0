package io.tasq.spi;

/**
 * Receives the jobs delivered to a worker. Called on a backend thread; implementations hand the
 * delivery on and return at once, and never throw.
 */
@FunctionalInterface
public interface JobListener {

    /** One delivery, to be settled exactly once through its methods. */
    void onJob(Delivery delivery);

    /** A control message broadcast by a client ({@link JobProducer#broadcast}), opaque to the backend. */
    default void onControl(byte[] control) {
    }

    /**
     * The backend's transport thread died and this consumer will deliver nothing more. The worker
     * treats it as fatal: it logs the cause and stops, and the launcher exits non-zero, rather than
     * staying up serving nothing. A backend calls it at most once, from the dying thread.
     */
    default void onTransportFailure(Throwable cause) {
    }
}
