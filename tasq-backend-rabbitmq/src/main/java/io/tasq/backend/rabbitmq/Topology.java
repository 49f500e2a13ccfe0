package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * The queues of one Tasq queue {@code NAME} and how they are declared. Everything goes through the
 * default exchange, routed by queue name, so there are no exchanges or bindings to declare or lose:
 *
 * <ul>
 *   <li>{@code tasq.NAME.jobs}: the durable job queue, declared by clients and workers alike; what
 *       the broker dead-letters from it goes to {@code tasq.NAME.dead};
 *   <li>{@code tasq.NAME.dead}: durable, the jobs workers refused, failed after their last retry or
 *       that stopped their workers too often, with the reason in a header;
 *   <li>{@code tasq.NAME.reply.CLIENTID}: a client's results, durable and not exclusive, so results
 *       wait for a client that is away; deleted by the broker after {@code result-ttl} unused;
 *   <li>{@code tasq.NAME.delay.MILLIS}: delayed jobs wait here for {@code MILLIS} (a per-queue
 *       message TTL, so no job waits behind a later one) and are then dead-lettered into the job
 *       queue; deleted by the broker once unused;
 *   <li>{@code tasq.NAME.schedules}: durable, single active consumer: the repeating jobs, held by
 *       one worker at a time (see {@link RabbitMqScheduleStore}); declared by workers;
 *   <li>{@code tasq.NAME.presence}: a fanout exchange (auto-deleted) to which each worker binds an
 *       exclusive queue of its own, to answer who is there (see {@link Presence});
 *   <li>{@code tasq.NAME.locks}: durable, single active consumer: the unique-job locks, held by one
 *       worker at a time (see {@link RabbitMqUniqueLocks}); declared by workers.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class Topology {

    /** Header: how many times the job was delivered before this copy, plus one; absent means 1. */
    static final String ATTEMPT = "x-tasq-attempt";
    /** Header: epoch milliseconds before which the job must not run. */
    static final String NOT_BEFORE = "x-tasq-not-before";
    /** Header on a run of a repeating job: its run number, from 1. */
    static final String RUN = "x-tasq-run";
    /** Header on dead letters: why the worker refused the job. */
    static final String REASON = "x-tasq-reason";
    /** Header on dead letters: which worker refused it. */
    static final String REJECTED_BY = "x-tasq-rejected-by";
    /** Header on dead letters: when, in epoch milliseconds. */
    static final String REJECTED_AT = "x-tasq-rejected-at";
    /** Header on dead letters: the dead letter's own id, for {@code tq dead retry|purge}. */
    static final String DEAD_ID = "x-tasq-dead-id";

    /** The longest queue name (and so routing key) AMQP allows, in bytes. */
    static final int MAX_NAME_BYTES = 255;
    /**
     * The largest message sent: RabbitMQ's default {@code max_message_size}. A larger one would close
     * the channel, taking every message in flight on it along.
     */
    static final int MAX_MESSAGE_BYTES = 128 << 20;

    /** How often a delay queue in use is declared again, which keeps the broker from expiring it. */
    static final long REDECLARE_MILLIS = 30_000;
    /** How long a delay queue outlives the last declaration, beyond its own delay. */
    static final long DELAY_QUEUE_GRACE_MILLIS = 2 * REDECLARE_MILLIS + 60_000;

    private final RabbitMqSettings settings;
    private final String prefix;
    private final String jobs;
    private final String dead;
    private final String schedules;
    private final String presence;
    private final String locks;
    private final Map<Long, Long> delayDeclaredAt = new ConcurrentHashMap<>();

    Topology(RabbitMqSettings settings) {
        this.settings = settings;
        this.prefix = "tasq." + settings.name() + ".";
        this.jobs = prefix + "jobs";
        this.dead = prefix + "dead";
        this.schedules = prefix + "schedules";
        this.presence = prefix + "presence";
        this.locks = prefix + "locks";
    }

    String jobs() {
        return jobs;
    }

    String dead() {
        return dead;
    }

    String schedules() {
        return schedules;
    }

    /** The fanout exchange through which the workers are asked who is there. */
    String presence() {
        return presence;
    }

    String locks() {
        return locks;
    }

    /** The reply queue of {@code clientId}. */
    String reply(String clientId) {
        return prefix + "reply." + clientId;
    }

    /** Whether {@code queue} is a valid routing key: short enough. */
    static boolean routable(String queue) {
        return queue.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES;
    }

    /** The reply queue of {@code clientId}, checked. */
    String checkedReply(String clientId) {
        String q = reply(clientId);
        if (!routable(q)) {
            throw new ConfigurationException("client id '" + clientId + "' is too long: its reply queue name '" + q
                    + "' would be longer than " + MAX_NAME_BYTES + " bytes");
        }
        return q;
    }

    String delay(long bucketMillis) {
        return prefix + "delay." + bucketMillis;
    }

    static boolean isDelayQueue(String queue) {
        return queue.startsWith("tasq.") && queue.contains(".delay.");
    }

    /**
     * How long a job still {@code remainingMillis} from its time waits in a delay queue. Delays up
     * to a second are rounded up to 10 ms; longer ones down to two significant digits, and the job
     * comes back early by less than a tenth of its delay, to be delayed again for the rest by the
     * worker that receives it. So a job is never delivered early, runs at most 10 ms late, and
     * there are at most about a hundred delay queues per power of ten.
     */
    static long bucket(long remainingMillis) {
        if (remainingMillis <= 1_000) {
            return Math.max(10, (remainingMillis + 9) / 10 * 10);
        }
        long scale = 1;
        while (remainingMillis / scale >= 100) {
            scale *= 10;
        }
        return remainingMillis / scale * scale;
    }

    /**
     * Where a job goes now: the job queue if it is due, else the delay queue for what remains,
     * declared if it has not been lately.
     */
    String route(Connection connection, long notBeforeMillis, long nowMillis) throws IOException {
        long remaining = notBeforeMillis - nowMillis;
        if (notBeforeMillis <= 0 || remaining <= 0) {
            return jobs;
        }
        long bucket = bucket(remaining);
        Long last = delayDeclaredAt.get(bucket);
        if (last == null || nowMillis - last > REDECLARE_MILLIS) {
            declare(connection, delay(bucket), delayArguments(bucket));
            delayDeclaredAt.put(bucket, nowMillis);
        }
        return delay(bucket);
    }

    /** Forgets which delay queues were declared, after a reconnection: the broker may have lost them. */
    void forgetDelayQueues() {
        delayDeclaredAt.clear();
    }

    /**
     * Declares the job and dead-letter queues. Quorum queues dead-letter a job delivered more than
     * {@code delivery-limit} times (a job that keeps killing its workers) into the dead letters.
     */
    void declareJobQueues(Channel channel) throws IOException {
        Map<String, Object> deadArgs = new HashMap<>();
        kept(deadArgs);
        declare(channel, dead, deadArgs);
        Map<String, Object> jobArgs = new HashMap<>();
        jobArgs.put("x-dead-letter-exchange", "");
        jobArgs.put("x-dead-letter-routing-key", dead);
        kept(jobArgs);
        if (settings.quorum()) {
            jobArgs.put("x-delivery-limit", settings.deliveryLimit());
        }
        declare(channel, jobs, jobArgs);
    }

    /** The arguments of a queue that keeps what matters: its type, and its expiry if one is set. */
    private void kept(Map<String, Object> args) {
        if (settings.quorum()) {
            args.put("x-queue-type", "quorum");
        }
        expires(args);
    }

    /** Declares the queue of repeating jobs: one consumer at a time, the leader. */
    void declareSchedules(Channel channel) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-single-active-consumer", true);
        kept(args);
        declare(channel, schedules, args);
    }

    /** Declares the queue of unique-job locks: one consumer at a time, the leader. */
    void declareLocks(Channel channel) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-single-active-consumer", true);
        kept(args);
        declare(channel, locks, args);
    }

    /** Declares {@code clientId}'s reply queue. */
    void declareReplyQueue(Channel channel, String clientId) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-expires", settings.resultTtl().toMillis());
        declare(channel, checkedReply(clientId), args);
    }

    private void expires(Map<String, Object> args) {
        if (!settings.queueExpires().isZero()) {
            args.put("x-expires", settings.queueExpires().toMillis());
        }
    }

    private Map<String, Object> delayArguments(long bucket) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-message-ttl", bucket);
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", jobs);
        args.put("x-expires", bucket + DELAY_QUEUE_GRACE_MILLIS);
        return args;
    }

    /** Declares on a channel of its own, so that a refused declaration does not close a working one. */
    private void declare(Connection connection, String queue, Map<String, Object> args) throws IOException {
        Channel channel = connection.createChannel();
        try {
            declare(channel, queue, args);
        } finally {
            try {
                if (channel.isOpen()) {
                    channel.close();
                }
            } catch (TimeoutException | IOException | ShutdownSignalException e) {
                // the declaration is what mattered
            }
        }
    }

    private void declare(Channel channel, String queue, Map<String, Object> args) throws IOException {
        try {
            channel.queueDeclare(queue, true, false, false, args);
        } catch (IOException e) {
            ShutdownSignalException s = Connections.shutdownCause(e);
            if (s != null && !s.isHardError() && s.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == 406) {
                throw new ConfigurationException("queue '" + queue + "' on " + settings + " already exists with "
                        + "other settings than " + args + " (" + close.getReplyText() + "): every client and worker "
                        + "of a queue must use the same queue-type, delivery-limit, queue-expires and result-ttl, "
                        + "or delete the queue", e);
            }
            throw e;
        }
    }
}
