package io.tasq.core.worker;

import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.spi.JobConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs clients cancelled, and the jobs running now: a cancel is remembered for an hour (a job
 * cancelled before it arrives never runs), drops the job if the worker holds it (its sender is told),
 * and interrupts it if it runs here. Thread-safe.
 */
final class Cancellations {

    private static final Logger LOG = LoggerFactory.getLogger(Cancellations.class);
    private static final long MEMORY_MILLIS = Duration.ofHours(1).toMillis();
    private static final String CANCELLED = "io.tasq.JobCancelledException";

    private final String workerId;
    private final Clock clock;
    private final HeldJobs held;
    private final Execution execution;
    private final JobConsumer consumer;
    private final ReplyPath replies;
    private final Counters stats;
    /** Jobs a client cancelled, by id, with when to forget them. */
    private final Map<String, Long> cancelled = new ConcurrentHashMap<>();
    /** Jobs running now, by id: the thread running each. */
    private final Map<String, Thread> running = new ConcurrentHashMap<>();

    Cancellations(String workerId, Clock clock, HeldJobs held, Execution execution, JobConsumer consumer,
            ReplyPath replies, Counters stats) {
        this.workerId = workerId;
        this.clock = clock;
        this.held = held;
        this.execution = execution;
        this.consumer = consumer;
        this.replies = replies;
        this.stats = stats;
    }

    /** Remembers the job as cancelled, drops it if held, interrupts it if running here; whether it was found. */
    boolean cancel(String jobId) {
        long now = clock.millis();
        cancelled.put(jobId, now + MEMORY_MILLIS);
        if (cancelled.size() > 10_000) {
            cancelled.values().removeIf(until -> until < now);
        }
        boolean found = false;
        for (HeldJobs.Held h : held.cancel(jobId)) {
            stats.cancelled.incrementAndGet();
            replies.done(result(ResultEnvelope.Origin.of(h.job().job(), workerId, h.attempt(), h.run()), 0,
                    "cancelled by its client while it waited"), Outcome.held(consumer, held, h.job(), h.attempt()));
            found = true;
        }
        Thread thread = running.get(jobId);
        if (thread != null) {
            execution.interrupt(thread);
            found = true;
        }
        if (found) {
            LOG.info("job {} cancelled by its client", jobId);
        }
        return found;
    }

    /** Whether a client cancelled the job (within the last hour). */
    boolean isCancelled(String jobId) {
        Long until = cancelled.get(jobId);
        return until != null && until >= clock.millis();
    }

    /** The job runs now on {@code thread}, where a cancel interrupts it. */
    void started(String jobId, Thread thread) {
        running.put(jobId, thread);
    }

    /** The job no longer runs on {@code thread}. */
    void ended(String jobId, Thread thread) {
        running.remove(jobId, thread);
    }

    /** The result of a job cancelled before it ran ({@code why} says when) or while it ran. */
    ResultEnvelope result(ResultEnvelope.Origin origin, long execNanos, String why) {
        return ResultEnvelope.cancelled(origin, clock.millis(), execNanos, RemoteErrors.encode(CANCELLED, why));
    }
}
