package io.tasq.core.worker;

import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.ReplayGuard;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job whose signature passed must also be, before anything else happens to it: signed for
 * this worker's queue, not expired, and the first copy of it to arrive. A signature proves who made
 * a job, not that this is the first time or the right place it is seen: a captured job sent again,
 * here or to another queue, stops here. Thread-safe.
 */
final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    /** Why a job was not admitted. */
    enum Verdict {
        /** Admitted: run it. */
        ADMITTED,
        /** Signed for another queue, or expired: refuse it to the dead letters, tell no one. */
        REFUSED,
        /** Another copy of it was taken: drop this one quietly (acknowledge, no result, no dead letter). */
        DUPLICATE,
        /** The backend's shared memory could not be asked: hand the job back, to be delivered again. */
        UNSURE
    }

    /** A verdict, with the reason of a refusal. */
    record Result(Verdict verdict, String reason) {
    }

    private static final Result ADMIT = new Result(Verdict.ADMITTED, null);
    private static final Result DUPLICATE = new Result(Verdict.DUPLICATE, null);

    private final String workerId;
    private final String queue;
    private final Clock clock;
    private final ReplayMemory memory;
    private final Optional<ReplayGuard> shared;

    /**
     * @param queue the queue this worker serves, which jobs must be signed for
     * @param memory the jobs this worker took
     * @param shared the jobs every worker of the queue took, where the backend keeps that
     */
    Admission(String workerId, String queue, Clock clock, ReplayMemory memory, Optional<ReplayGuard> shared) {
        this.workerId = workerId;
        this.queue = queue;
        this.clock = clock;
        this.memory = memory;
        this.shared = shared;
    }

    /**
     * Checks a verified job.
     *
     * @param run the run number of a repeating job's run fired by the schedule store, 0 otherwise:
     *     such runs reuse the envelope registered once, so only its queue is checked
     * @param deliveryId the backend's id of this delivery ({@link io.tasq.spi.Delivery#id()})
     */
    Result check(SignedJob job, long run, String deliveryId) {
        JobEnvelope env = job.job();
        if (!queue.equals(env.queue())) {
            return refused(env, "it was signed for queue '" + env.queue() + "' and this worker serves '" + queue
                    + "': a job is valid for the queue its client sent it to only");
        }
        if (run > 0) {
            return ADMIT;
        }
        long now = clock.millis();
        if (env.expiresAtMillis() <= now) {
            return refused(env, "it expired at " + Instant.ofEpochMilli(env.expiresAtMillis()) + " (its ttl ran out "
                    + "before a worker took it; submit it again, or give it a longer JobOptions.ttl)");
        }
        if (!memory.claim(env.key(), env.expiresAtMillis(), now)) {
            LOG.info("worker {} dropped a copy of job {} ({}) from client {}: it took this job already (sent twice, "
                    + "or replayed)", workerId, env.name(), env.jobId(), env.replyTo());
            return DUPLICATE;
        }
        if (shared.isPresent()) {
            boolean first;
            try {
                first = shared.get().claim(env.key(), deliveryId, env.expiresAtMillis());
            } catch (RuntimeException e) {
                memory.release(env.key());
                LOG.warn("worker {} could not check job {} ({}) against the queue's memory of jobs taken; handing it "
                        + "back: {}", workerId, env.name(), env.jobId(), e.toString());
                return new Result(Verdict.UNSURE, null);
            }
            if (!first) {
                LOG.info("worker {} dropped a copy of job {} ({}) from client {}: another worker of the queue took it "
                        + "already (sent twice, or replayed)", workerId, env.name(), env.jobId(), env.replyTo());
                return DUPLICATE;
            }
        }
        return ADMIT;
    }

    /** Forgets that the job was taken: it goes back to the backend and its next delivery takes it anew. */
    void handedBack(JobEnvelope env) {
        memory.release(env.key());
        shared.ifPresent(g -> {
            try {
                g.release(env.key());
            } catch (RuntimeException e) {
                // its next delivery is then refused as a copy until the job expires: say so
                LOG.warn("worker {} could not release job {} ({}) in the queue's memory of jobs taken: {}", workerId,
                        env.name(), env.jobId(), e.toString());
            }
        });
    }

    /**
     * Forgets, in this worker's memory only, a job that went to the dead letters: an operator may send
     * it back ({@code tq dead retry}) until it expires, and this worker then runs it again. A backend
     * with a shared memory keeps its claim, and releases it itself when the dead letter is sent back.
     */
    void deadLettered(JobEnvelope env) {
        memory.release(env.key());
    }

    private Result refused(JobEnvelope env, String why) {
        String reason = "job '" + env.name() + "' (" + env.jobId() + ") from client " + env.replyTo() + " refused: "
                + why;
        return new Result(Verdict.REFUSED, reason);
    }
}
