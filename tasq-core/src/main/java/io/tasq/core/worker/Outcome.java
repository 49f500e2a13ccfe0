package io.tasq.core.worker;

import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.ResultMessage;

/**
 * Where a job's result goes: through its delivery (publish, then acknowledge) or, for a job the
 * worker holds itself after acknowledging it, straight through the consumer.
 */
interface Outcome {

    /** Sends the result and settles the job as done. */
    void send(ResultMessage result);

    /**
     * Tells the sender why the job was refused (when {@code result} is not null) and settles the
     * job as refused: dead letters, never redelivered.
     */
    void refuse(ResultMessage result, String reason);

    /**
     * Settles a message that failed verification: dead letters (truncated), no reply to anyone,
     * since nothing in it can be trusted to say where a reply would go.
     */
    void refuseUnverified(String reason);

    /** Settles the job as taken care of, with no result from this worker (it follows another job). */
    void ack();

    /**
     * Settles this attempt and has the job delivered again at {@code atMillis} as {@code nextAttempt}.
     *
     * @return {@code true} if the backend took the job back (its next delivery is a new one), {@code false}
     *     if this worker holds the retry itself
     */
    boolean retry(long atMillis, SignedJob job, int nextAttempt, long run);

    static Outcome of(Delivery delivery, JobConsumer consumer, HeldJobs held) {
        return new Outcome() {
            @Override
            public void send(ResultMessage result) {
                delivery.complete(result);
            }

            @Override
            public void refuse(ResultMessage result, String reason) {
                if (result != null) {
                    consumer.publish(result);
                }
                delivery.reject(reason);
            }

            @Override
            public void refuseUnverified(String reason) {
                delivery.refuse(reason);
            }

            @Override
            public void ack() {
                delivery.ack();
            }

            @Override
            public boolean retry(long atMillis, SignedJob job, int nextAttempt, long run) {
                if (delivery.retry(atMillis)) {
                    return true;
                }
                // the backend cannot keep it: this worker takes it over and holds the retry
                delivery.ack();
                held.hold(job, nextAttempt, run, atMillis);
                return false;
            }
        };
    }

    static Outcome held(JobConsumer consumer, HeldJobs held, SignedJob job, int attempt) {
        return new Outcome() {
            @Override
            public void send(ResultMessage result) {
                consumer.publish(result);
            }

            @Override
            public void refuse(ResultMessage result, String reason) {
                if (result != null) {
                    consumer.publish(result);
                }
                // acknowledged when the worker took it over: the backend's dead letters get it directly
                consumer.deadLetter(job.job().jobId(), job.job().replyTo(), job.encoded(), reason, attempt);
            }

            @Override
            public void refuseUnverified(String reason) {
                // a job the worker holds was verified when it arrived
                refuse(null, reason);
            }

            @Override
            public void ack() {
                // already acknowledged
            }

            @Override
            public boolean retry(long atMillis, SignedJob job, int nextAttempt, long run) {
                held.hold(job, nextAttempt, run, atMillis);
                return false;
            }
        };
    }
}
