package io.tasq.spi;

/**
 * The worker side of a backend: delivers jobs to a {@link JobListener} and publishes results.
 *
 * <p>The consumer holds at most {@link ConsumerOptions#prefetch()} deliveries unsettled at once; it
 * takes more only as deliveries are settled. Thread-safe.
 */
public interface JobConsumer extends AutoCloseable {

    /** Where this consumer listens or what it consumes, for the worker's start line. */
    String describe();

    /**
     * An optional feature this backend offers a worker, if it keeps it itself: a
     * {@link ScheduleStore} (repeating jobs kept by the server and fired once per tick across
     * workers), {@link UniqueLocks} (unique keys held across clients and workers) or a
     * {@link ReplayGuard} (the jobs taken, remembered for every worker of the queue). Where a
     * feature is absent the worker keeps a stand-in in its own memory, per worker.
     *
     * @return the feature, or empty if this backend does not offer it
     */
    default <F> java.util.Optional<F> feature(Class<F> type) {
        return java.util.Optional.empty();
    }

    /** Starts delivering jobs to {@code listener}. Called once. */
    void start(JobListener listener);

    /**
     * Publishes a result that belongs to no delivery in hand (a delayed or repeating job the worker
     * holds itself). Results of a delivery go through {@link Delivery#complete(ResultMessage)}. Like
     * settling, it never blocks the caller: the backend queues it for its own threads.
     */
    void publish(ResultMessage result);

    /**
     * Puts a job the worker holds itself (it has no delivery to reject: a retry or a delayed job it
     * took over) into the dead letters, where the backend keeps some.
     *
     * @param jobId the job's id
     * @param replyTo the client it came from
     * @param envelope the job envelope
     * @param reason why
     * @param attempts how many attempts it had
     */
    default void deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts) {
    }

    /**
     * Announces the worker: the runtime calls it every heartbeat interval, and the backend makes it
     * visible to {@link QueueAdmin#workers()} until it is a few intervals old.
     */
    default void heartbeat(WorkerInfo info) {
    }

    /**
     * Stops taking new jobs; deliveries in hand can still be settled and results published. Used for
     * a graceful shutdown. Idempotent.
     */
    void pause();

    /**
     * Closes the consumer. Deliveries still unsettled are released: a backend with
     * {@link BackendCapability#REDELIVERY} delivers them again. Idempotent.
     */
    @Override
    void close();
}
