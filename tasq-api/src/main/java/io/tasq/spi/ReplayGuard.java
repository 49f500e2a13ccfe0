package io.tasq.spi;

/**
 * A backend's shared memory of which jobs were taken, so that a captured, validly signed envelope
 * injected again (a replay) is not run twice by any worker of the queue within its expiry. The
 * runtime always keeps such a memory per worker; a backend that can keep one for all workers
 * offers it through {@link JobConsumer#replayGuard()}. Implementations are thread-safe and atomic
 * across workers.
 */
public interface ReplayGuard {

    /**
     * Claims the job {@code jobKey} for the delivery {@code deliveryId} until {@code expiresAtMillis}.
     *
     * @param jobKey the job's unique key (its client and job id), from the verified envelope
     * @param deliveryId the backend's own id of this delivery ({@link Delivery#id()}); the same
     *     delivery handed out again (its worker was lost) keeps its claim
     * @param expiresAtMillis the signed expiry of the job; the claim is forgotten after it
     * @return {@code true} if this delivery may run the job: it was unclaimed, or claimed by this
     *     same delivery; {@code false} if another delivery of it was taken (a replay)
     */
    boolean claim(String jobKey, String deliveryId, long expiresAtMillis);

    /**
     * Gives a claim up because the job will be delivered again as a retry, which claims it anew.
     */
    void release(String jobKey);
}
