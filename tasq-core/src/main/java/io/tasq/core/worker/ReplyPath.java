package io.tasq.core.worker;

import io.tasq.TasqException;
import io.tasq.core.internal.actor.Actor;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.ResultMessage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way out of the worker for everything it tells a client: results, refusals, retry notices,
 * and the results copied to jobs that followed a unique key. Each is encoded and sent, and its job
 * settled, on a response actor, so that job actors never wait on the backend; or on the caller's
 * thread where settling only queues work for the backend's own IO thread (a hand-off would then add
 * a thread wake-up to every job and save the actor nothing). A send that fails is logged, and the
 * worker goes on. Thread-safe.
 */
final class ReplyPath {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyPath.class);

    private final String workerId;
    private final JobConsumer consumer;
    private final WorkerStats stats;
    /** The response actor, or {@code null} when replies are sent on the caller's thread. */
    private final Actor<Runnable> responder;

    /**
     * @param onCallerThread send on the caller's thread (the backend only queues settlements) rather
     *     than on a response actor
     */
    ReplyPath(String workerId, JobConsumer consumer, WorkerStats stats, boolean onCallerThread) {
        this.workerId = workerId;
        this.consumer = consumer;
        this.stats = stats;
        this.responder = onCallerThread ? null : new Actor<>(workerId + "-responder", Runnable::run);
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
        send(notice, () -> {
            consumer.publish(message(notice));
            settle.run();
        });
    }

    /** Sends a result to a job that settled itself already (it followed another job's unique key). */
    void copy(ResultEnvelope result) {
        send(result, () -> consumer.publish(message(result)));
    }

    /** Stops the response actor after the replies it holds are sent. */
    void stop(long timeout, TimeUnit unit) throws InterruptedException {
        if (responder != null) {
            responder.stop();
            responder.awaitStop(timeout, unit);
        }
    }

    private void send(ResultEnvelope result, Runnable sending) {
        Runnable logged = () -> {
            try {
                sending.run();
            } catch (RuntimeException e) {
                LOG.error("worker {} could not send the result of job {}", workerId, result.jobId(), e);
            }
        };
        if (responder == null) {
            logged.run();
        } else {
            responder.tell(logged);
        }
    }

    private static ResultMessage message(ResultEnvelope r) {
        return new ResultMessage(r.replyTo(), r.jobId(), ResultCodec.encode(r));
    }
}
