package io.tasq.spi;

/**
 * What a backend can do by itself. The runtime falls back where a capability is missing; users can
 * see the difference only where the documentation of each backend says so.
 */
public enum BackendCapability {
    /** Jobs and results are kept by a server and survive the restart of a client or worker. */
    DURABLE,
    /** The backend holds a job with a not-before time until it is due. */
    NATIVE_DELAY,
    /** A job delivered but not settled is delivered again when its worker is lost. */
    REDELIVERY,
    /** Results for a client that is away are kept for a while and delivered when it returns. */
    RESULT_RETENTION
}
