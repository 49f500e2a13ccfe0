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
     * Where the backend keeps repeating jobs, if it keeps them itself (declared by
     * {@link BackendCapability#DURABLE_SCHEDULES}); empty otherwise, and the worker keeps them in
     * memory.
     */
    default java.util.Optional<ScheduleStore> schedules() {
        return java.util.Optional.empty();
    }

    /** Starts delivering jobs to {@code listener}. Called once. */
    void start(JobListener listener);

    /**
     * Publishes a result that belongs to no delivery in hand (a delayed or repeating job the worker
     * holds itself). Results of a delivery go through {@link Delivery#complete(ResultMessage)}.
     */
    void publish(ResultMessage result);

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
