package io.tasq.spi;

/**
 * One job delivered to a worker. Settle it exactly once, through {@link #complete}, {@link #ack},
 * {@link #release}, {@link #reject}, {@link #refuse}, or a {@link #retry} or {@link #defer} that
 * returned {@code true}; a second call does nothing.
 *
 * <p>Thread-safe: it may be settled on a thread other than the one that received it. Settling never
 * blocks the caller: a backend queues the work for its own threads and returns at once, so that a
 * slow or stalled server never holds up the worker's actors, which settle their own jobs.
 */
public interface Delivery {

    /** The job envelope, opaque to the backend. */
    byte[] body();

    /**
     * The backend's own id of this delivery (a stream entry id, a message id), the same when the
     * backend hands the same delivery out again after its worker was lost; empty when the backend
     * has none. Used with {@link ReplayGuard}.
     */
    default String id() {
        return "";
    }

    /**
     * How many times this job has been delivered, counted by the backend: 1 the first time, more
     * after a worker was lost holding it.
     */
    int attempt();

    /**
     * For a run of a repeating job fired by a {@link ScheduleStore}, its run number (from 1); 0 for
     * every other delivery (a one-off job, or the first arrival of a repeating one, which the worker
     * registers in the store).
     */
    default long run() {
        return 0;
    }

    /**
     * Hands the job back to be delivered again no earlier than {@code notBeforeMillis}, as attempt
     * {@link #attempt()} + 1, and settles this delivery, atomically where the server allows: the
     * retry of a failed job waits in the backend, not in a worker's thread.
     *
     * @return {@code false} if this backend cannot hold the job (nothing was settled); the worker
     *     then acknowledges it and holds the retry itself
     */
    default boolean retry(long notBeforeMillis) {
        return false;
    }

    /**
     * Hands a verified job that came early back to the backend, to be delivered again no earlier
     * than {@code notBeforeMillis} with the same attempt count, and settles this delivery. The runtime
     * calls it only after the job's signature was checked, with the time from the signed envelope;
     * a backend therefore never delays anything on an unverified header.
     *
     * @return {@code false} if this backend cannot hold the job (nothing was settled); the worker
     *     then acknowledges it and holds it itself
     */
    default boolean defer(long notBeforeMillis) {
        return false;
    }

    /** Publishes the job's result and then acknowledges the job, so that neither is lost. */
    void complete(ResultMessage result);

    /** Acknowledges the job without a result: the worker has taken it over. */
    void ack();

    /** Hands the job back unprocessed, to be delivered again (to this or another worker). */
    void release();

    /**
     * Refuses the job for good: it is moved to the backend's dead letters where it has some, or
     * dropped, and never delivered again.
     *
     * @param reason why, for the dead letters and the logs
     */
    void reject(String reason);

    /**
     * Refuses a message that did not pass verification (unsigned, tampered, malformed, oversize):
     * like {@link #reject}, but the dead letter keeps at most {@link Limits#REFUSED_BYTES_KEPT}
     * bytes of it ({@link Limits#refusedBytes}), and nothing in it is read for routing or replies.
     *
     * @param reason why, for the dead letters and the logs
     */
    default void refuse(String reason) {
        reject(reason);
    }
}
