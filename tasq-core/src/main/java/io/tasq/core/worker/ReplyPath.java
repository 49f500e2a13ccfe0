package io.tasq.core.worker;

import io.tasq.TasqException;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.ResultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way out of the worker for everything it tells a client: results, refusals, retry notices,
 * and the results copied to jobs that followed a unique key. Each is encoded and sent, and its job
 * settled, on the caller's thread (the job's actor): a backend's settling and publishing only queue
 * work for its own threads and never block (docs/spi.md), so a hand-off to another thread would add
 * a wake-up to every job and save the actor nothing. A send that fails is logged, and the worker
 * goes on. Thread-safe.
 */
final class ReplyPath {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyPath.class);

    private final String workerId;
    private final JobConsumer consumer;
    private final Counters stats;

    ReplyPath(String workerId, JobConsumer consumer, Counters stats) {
        this.workerId = workerId;
        this.consumer = consumer;
        this.stats = stats;
    }

    /** Sends the job's result and settles it as done. */
    void done(ResultEnvelope result, Outcome outcome) {
        send(result, () -> outcome.send(message(result)));
    }

    /** Tells the sender why its job was refused, and settles the job to the dead letters. */
    void refused(ResultEnvelope result, Outcome outcome, String reason) {
        send(result, () -> outcome.refuse(message(result), reason));
    }

    /**
     * Refuses a checked job that cannot go on (a bad schedule, too many deliveries, an unknown
     * request): counted, logged, the sender told why, the job dead-lettered.
     */
    void reject(ResultEnvelope.Origin origin, long now, TasqException why, Outcome outcome) {
        stats.rejected.incrementAndGet();
        LOG.warn("rejected job {} ({}) from client {}: {}", origin.name(), origin.jobId(), origin.replyTo(),
                why.getMessage());
        refused(ResultEnvelope.rejected(origin, now, RemoteErrors.encode(why.getClass().getName(), why.getMessage())),
                outcome, why.getMessage());
    }

    /**
     * Tells the client that this attempt failed and will be retried, then runs {@code settle} (which
     * settles the attempt and has the job delivered again): in that order, so that the notice never
     * trails the next attempt's result.
     */
    void retrying(ResultEnvelope notice, Runnable settle) {
        // the attempt is settled even when the notice could not be sent: else it stayed in hand for good
        send(notice, () -> consumer.publish(message(notice)));
        send(notice, settle);
    }

    /** Sends a result to a job that settled itself already (it followed another job's unique key). */
    void copy(ResultEnvelope result) {
        send(result, () -> consumer.publish(message(result)));
    }

    /** Sends on the caller's thread: a backend's settling and publishing only queue work (docs/spi.md). */
    private void send(ResultEnvelope result, Runnable sending) {
        try {
            sending.run();
        } catch (RuntimeException e) {
            LOG.error("worker {} could not send the result of job {}", workerId, result.jobId(), e);
        }
    }

    private static ResultMessage message(ResultEnvelope r) {
        return new ResultMessage(r.replyTo(), r.jobId(), ResultCodec.encode(r));
    }
}
