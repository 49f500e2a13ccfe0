package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues of one Tasq queue {@code NAME} and how they are declared. Everything goes through the
 * default exchange, routed by queue name, so there are no exchanges or bindings to declare or lose:
 *
 * <ul>
 *   <li>{@code tasq.NAME.jobs}: the durable job queue, declared by clients and workers alike; what
 *       the broker dead-letters from it goes to {@code tasq.NAME.dead};
 *   <li>{@code tasq.NAME.dead}: durable, the jobs workers refused, failed after their last retry or
 *       that stopped their workers too often, with the reason in a header; at most
 *       {@code dead-letter-max} of them ({@code x-max-length} with {@code x-overflow: reject-publish}:
 *       a worker whose dead letter the broker refuses for want of room drops the oldest itself, and
 *       counts it in {@code tasq.NAME.dead.dropped}, see {@link DeadLetterTally});
 *   <li>{@code tasq.NAME.dead.dropped}: the count of dead letters dropped for want of room, kept by
 *       the workers ({@link DeadLetterTally});
 *   <li>{@code tasq.NAME.reply.CLIENTID}: a client's results, durable and not exclusive, so results
 *       wait for a client that is away; deleted by the broker after {@code result-ttl} unused;
 *   <li>{@code tasq.NAME.delay.MILLIS}: delayed jobs wait here for {@code MILLIS}, then go into the
 *       job queue (see {@link DelayQueues});
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
    /**
     * Header: epoch milliseconds before which the job must not run, as its sender or the worker that
     * deferred it said. For people looking at the queues: never read back, see {@link Messages}.
     */
    static final String NOT_BEFORE = "x-tasq-not-before";
    /** Header on a run of a repeating job: its run number, from 1. */
    static final String RUN = "x-tasq-run";
    /** Header on dead letters: why the worker refused the job. */
    static final String REASON = "x-tasq-reason";
    /** Header on dead letters: which worker refused it. */
    static final String REJECTED_BY = "x-tasq-rejected-by";
    /** Header on dead letters: when, in epoch milliseconds. */
    static final String REJECTED_AT = "x-tasq-rejected-at";
    /** Header on dead letters of refused messages: the message's real size (the body keeps its first bytes). */
    static final String REFUSED_BYTES = "x-tasq-refused-bytes";
    /** Header on dead letters: the dead letter's own id, for {@code tq dead retry|purge}. */
    static final String DEAD_ID = "x-tasq-dead-id";

    /** The longest queue name (and so routing key) AMQP allows, in bytes. */
    static final int MAX_NAME_BYTES = 255;
    /**
     * The largest message sent: RabbitMQ's default {@code max_message_size}. A larger one would close
     * the channel, taking every message in flight on it along.
     */
    static final int MAX_MESSAGE_BYTES = 128 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

    private final RabbitMqSettings settings;
    private final String prefix;
    private final String jobs;
    private final String dead;
    private final String schedules;
    private final String presence;
    private final String locks;
    private final String dropped;
    private final DelayQueues delays;
    /** Whether {@link #dead} was found without the cap (declared by an older Tasq), logged once. */
    private volatile boolean deadUncapped;

    Topology(RabbitMqSettings settings) {
        this.settings = settings;
        this.prefix = "tasq." + settings.name() + ".";
        this.jobs = prefix + "jobs";
        this.dead = prefix + "dead";
        this.schedules = prefix + "schedules";
        this.presence = prefix + "presence";
        this.locks = prefix + "locks";
        this.dropped = dead + ".dropped";
        this.delays = new DelayQueues(settings, prefix, jobs);
    }

    String jobs() {
        return jobs;
    }

    /** The delay queues, where jobs due later wait. */
    DelayQueues delays() {
        return delays;
    }

    String dead() {
        return dead;
    }

    /** The queue counting the dead letters dropped for want of room ({@link DeadLetterTally}). */
    String dropped() {
        return dropped;
    }

    /** Whether the dead letters are capped: false when an older Tasq declared their queue without the cap. */
    boolean deadCapped() {
        return !deadUncapped;
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

    /**
     * Whether automatic recovery should declare {@code queue} again after a reconnection: not the
     * delay queues (declared again when next used) nor the dead-letter and tally queues, which are
     * declared on channels of their own, closed since (recovery would declare them on a closed
     * channel and fail); they are durable, and a publish that finds one missing has the worker
     * declare them again.
     */
    static boolean recoveredByTheClient(RabbitMqSettings settings, String queue) {
        String dead = "tasq." + settings.name() + ".dead";
        return !DelayQueues.isDelayQueue(queue) && !queue.equals(dead) && !queue.equals(dead + ".dropped");
    }

    /**
     * Declares the job and dead-letter queues. Quorum queues dead-letter a job delivered more than
     * {@code delivery-limit} times (a job that keeps killing its workers) into the dead letters. The
     * dead-letter queue is declared on a channel of its own (see {@link #declareDead}).
     */
    void declareJobQueues(Channel channel) throws IOException {
        declareDead(channel.getConnection());
        Map<String, Object> jobArgs = new HashMap<>();
        jobArgs.put("x-dead-letter-exchange", "");
        jobArgs.put("x-dead-letter-routing-key", dead);
        kept(jobArgs);
        if (settings.quorum()) {
            jobArgs.put("x-delivery-limit", settings.deliveryLimit());
        }
        QueueDeclarations.declare(channel, settings, jobs, jobArgs);
    }

    /** The arguments of a queue that keeps what matters: its type, and its expiry if one is set. */
    private void kept(Map<String, Object> args) {
        if (settings.quorum()) {
            args.put("x-queue-type", "quorum");
        }
        expires(args);
    }

    /**
     * Declares the dead-letter queue capped: at most {@code dead-letter-max} messages, a publish past
     * that refused ({@code reject-publish}), so that the worker drops the oldest itself and counts it.
     * A queue declared by an older Tasq has no cap, and RabbitMQ refuses to declare it again with
     * other arguments: such a queue is used as it is, uncapped, with a warning saying how to move on.
     * Declared on channels of their own, because a refused declaration closes its channel.
     */
    private void declareDead(Connection connection) throws IOException {
        Map<String, Object> args = new HashMap<>();
        kept(args);
        Map<String, Object> capped = new HashMap<>(args);
        capped.put("x-max-length", settings.deadLetterMax());
        capped.put("x-overflow", "reject-publish");
        try {
            QueueDeclarations.declare(connection, settings, dead, capped);
            return;
        } catch (ConfigurationException e) {
            // an uncapped one of an older Tasq; else the error is the one to report
            QueueDeclarations.declare(connection, settings, dead, args);
        }
        if (!deadUncapped) {
            deadUncapped = true;
            LOG.warn("queue {} on {} was declared by an older Tasq, without the cap on dead letters (or with another "
                    + "amqp.dead-letter-max): its dead letters are kept, all of them. To cap them, once every client and "
                    + "worker of the queue runs this version, empty it (tq dead list / retry / purge) and delete it "
                    + "(rabbitmqctl delete_queue {}); the next client or worker declares it capped", dead, settings,
                    dead);
        }
    }

    /** Declares the queue of the count of dead letters dropped: small records, a thousand at most. */
    void declareDropped(Connection connection) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-max-length", DeadLetterTally.MAX_RECORDS);
        expires(args);
        QueueDeclarations.declare(connection, settings, dropped, args);
    }

    /** Declares the queue of repeating jobs: one consumer at a time, the leader. */
    void declareSchedules(Channel channel) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-single-active-consumer", true);
        kept(args);
        QueueDeclarations.declare(channel, settings, schedules, args);
    }

    /** Declares the queue of unique-job locks: one consumer at a time, the leader. */
    void declareLocks(Channel channel) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-single-active-consumer", true);
        kept(args);
        QueueDeclarations.declare(channel, settings, locks, args);
    }

    /** Declares {@code clientId}'s reply queue. */
    void declareReplyQueue(Channel channel, String clientId) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("x-expires", settings.resultTtl().toMillis());
        QueueDeclarations.declare(channel, settings, checkedReply(clientId), args);
    }

    private void expires(Map<String, Object> args) {
        if (!settings.queueExpires().isZero()) {
            args.put("x-expires", settings.queueExpires().toMillis());
        }
    }


}
