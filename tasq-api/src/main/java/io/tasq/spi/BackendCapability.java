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
    RESULT_RETENTION,
    /** Repeating jobs are kept by the backend ({@link JobConsumer#schedules()}), not in a worker's memory. */
    DURABLE_SCHEDULES,
    /**
     * Settling a delivery ({@link Delivery#complete}, {@code ack}, {@code release}, {@code reject})
     * and {@link JobConsumer#publish} only queue work for the backend's own IO thread and return at
     * once. The worker then settles on the thread that ran the job; without it, a responder thread
     * does, so that a slow server never holds up the actors.
     */
    QUEUED_SETTLEMENT
}
