package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delay queues of one Tasq queue, {@code tasq.NAME.delay.MILLIS}: a job waits in one for
 * {@code MILLIS} (a per-queue message TTL, so no job waits behind a later one) and is then
 * dead-lettered into the job queue; the broker deletes a queue once unused. Says which queue a job
 * due later goes to (rounded, so that there are few of them), and declares it again often enough
 * that the broker does not expire it while in use.
 *
 * <p>Thread-safe.
 */
final class DelayQueues {

    /**
     * The longest a job waits in a delay queue at a time (24 days). RabbitMQ refuses larger
     * {@code x-message-ttl} and {@code x-expires} values (some versions past 32 bits of milliseconds,
     * about 49 days, others later), and a refused declaration closes the channel: a job due later makes
     * several trips, and the worker that receives it early defers it again (by its signed time).
     */
    static final long MAX_DELAY_HOP_MILLIS = 24L * 24 * 3600 * 1000;

    /** How often a delay queue in use is declared again, which keeps the broker from expiring it. */
    static final long REDECLARE_MILLIS = 30_000;
    /** How long a delay queue outlives the last declaration, beyond its own delay. */
    static final long DELAY_QUEUE_GRACE_MILLIS = 2 * REDECLARE_MILLIS + 60_000;

    private final RabbitMqSettings settings;
    private final String prefix;
    private final String jobs;
    private final Map<Long, Long> declaredAt = new ConcurrentHashMap<>();

    /**
     * @param prefix the names of the queue's queues start with it ({@code tasq.NAME.})
     * @param jobs the job queue, into which a delayed job goes when its time is up
     */
    DelayQueues(RabbitMqSettings settings, String prefix, String jobs) {
        this.settings = settings;
        this.prefix = prefix;
        this.jobs = jobs;
    }

    /** The delay queue whose messages wait {@code bucketMillis}. */
    String name(long bucketMillis) {
        return prefix + "delay." + bucketMillis;
    }

    static boolean isDelayQueue(String queue) {
        return queue.startsWith("tasq.") && queue.contains(".delay.");
    }

    /**
     * How long a job still {@code remainingMillis} from its time waits in a delay queue. Delays up
     * to a second are rounded up to 10 ms; longer ones down to two significant digits, and the job
     * comes back early by less than a tenth of its delay, to be deferred again for the rest by the
     * worker that receives it (by the time signed in it). So a job is never delivered early, runs at
     * most 10 ms late, and there are at most about a hundred delay queues per power of ten.
     */
    static long bucket(long remainingMillis) {
        if (remainingMillis <= 1_000) {
            return Math.max(10, (remainingMillis + 9) / 10 * 10);
        }
        long scale = scale(remainingMillis);
        return remainingMillis / scale * scale;
    }

    /**
     * Like {@link #bucket}, but rounded up: for a retry, whose time nothing signed says, so that no
     * worker could tell it came back early. It runs at most a tenth of its backoff late (less than
     * the backoff's own jitter), from the same delay queues.
     */
    static long bucketUp(long remainingMillis) {
        if (remainingMillis <= 1_000) {
            return bucket(remainingMillis);
        }
        long scale = scale(remainingMillis);
        return (remainingMillis + scale - 1) / scale * scale;
    }

    /** The power of ten that leaves two significant digits of {@code millis}. */
    private static long scale(long millis) {
        long scale = 1;
        while (millis / scale >= 100) {
            scale *= 10;
        }
        return scale;
    }

    /**
     * Where a job goes now: the job queue if it is due, else the delay queue for what remains (at
     * most {@link #MAX_DELAY_HOP_MILLIS}), declared if it has not been lately.
     *
     * @param checkedOnArrival whether the job's time is checked again when it comes back (it is
     *     signed in the job: a delayed or deferred job), so that it may come back early; else (a
     *     retry) it must not, and waits a little longer instead
     */
    String route(Connection connection, long notBeforeMillis, long nowMillis, boolean checkedOnArrival)
            throws IOException {
        long remaining = notBeforeMillis - nowMillis;
        if (notBeforeMillis <= 0 || remaining <= 0) {
            return jobs;
        }
        long hop = Math.min(remaining, MAX_DELAY_HOP_MILLIS);
        long bucket = checkedOnArrival ? bucket(hop) : bucketUp(hop);
        Long last = declaredAt.get(bucket);
        if (last == null || nowMillis - last > REDECLARE_MILLIS) {
            QueueDeclarations.declare(connection, settings, name(bucket), arguments(bucket));
            declaredAt.put(bucket, nowMillis);
        }
        return name(bucket);
    }

    /** Forgets which delay queues were declared, after a reconnection: the broker may have lost them. */
    void forget() {
        declaredAt.clear();
    }

    private Map<String, Object> arguments(long bucket) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-message-ttl", bucket);
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", jobs);
        args.put("x-expires", bucket + DELAY_QUEUE_GRACE_MILLIS);
        return args;
    }
}
