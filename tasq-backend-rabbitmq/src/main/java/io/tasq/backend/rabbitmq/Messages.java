package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.tasq.spi.ResultMessage;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The AMQP properties Tasq reads and writes: attempt count, run number, dead-letter reason. Stateless.
 *
 * <p>Every header comes from whoever published the message, and anyone who can publish to the broker
 * can set any of them: what is read here is bounded (an attempt count from 1 to {@link #MAX_ATTEMPT},
 * a run number not negative) and never throws, whatever the header holds. Nothing read here decides
 * where a message goes or how long it waits: the not-before time a job carries in
 * {@link Topology#NOT_BEFORE} is written for people looking at the queues, and never read back (a
 * worker delays a job by the time signed in it, through {@link RabbitMqDelivery#defer}).
 */
final class Messages {

    /**
     * The highest attempt count read from a message: above any the runtime acts on (at most 1 + 1,000
     * retries + 1,000 crashes), so a job that really came back that often is still seen as poison, and
     * far from overflowing when raised.
     */
    static final int MAX_ATTEMPT = 10_000;
    /** A reason longer than this is cut: it travels in a header. */
    private static final int MAX_REASON = 2_000;

    private Messages() {
    }

    /** The attempt count a message carries: 1 unless a worker forwarded it after a redelivery; at most {@link #MAX_ATTEMPT}. */
    static int attempt(AMQP.BasicProperties p) {
        return bounded(number(p, Topology.ATTEMPT));
    }

    /** The next attempt count after {@code attempt}, bounded like it. */
    static int next(int attempt) {
        return bounded((long) attempt + 1);
    }

    /** Adds a quorum queue's count of earlier deliveries to a message's own attempt count, bounded. */
    static int plusDeliveries(int attempt, AMQP.BasicProperties p) {
        return bounded((long) attempt + Math.max(0, Math.min(MAX_ATTEMPT, number(p, "x-delivery-count"))));
    }

    private static int bounded(long attempt) {
        return (int) Math.max(1, Math.min(MAX_ATTEMPT, attempt));
    }

    /** The run number of a repeating job's run; 0 for every other job (and for a negative one). */
    static long run(AMQP.BasicProperties p) {
        return Math.max(0, number(p, Topology.RUN));
    }

    private static long number(AMQP.BasicProperties p, String header) {
        return number(p.getHeaders(), header);
    }

    /** A numeric header, 0 when absent or not a number. */
    static long number(Map<String, Object> headers, String key) {
        return headers != null && headers.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** A header as text (the broker hands strings over as {@code LongString}), null when absent. */
    static String header(Map<String, Object> headers, String key) {
        Object v = headers == null ? null : headers.get(key);
        if (v == null) {
            return null;
        }
        return v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
    }

    /**
     * A delivered job's properties for its copy: the attempt count and not-before time set (a
     * {@code notBeforeMillis} of 0 keeps the job's own). See {@link #copy} for what is kept.
     */
    static AMQP.BasicProperties forwarded(AMQP.BasicProperties p, int attempt, long notBeforeMillis) {
        Map<String, Object> h = tasqHeaders(p);
        if (attempt > 1) {
            h.put(Topology.ATTEMPT, attempt);
        } else {
            h.remove(Topology.ATTEMPT);
        }
        if (notBeforeMillis > 0) {
            h.put(Topology.NOT_BEFORE, notBeforeMillis);
        }
        return copy(p).headers(h.isEmpty() ? null : h).build();
    }

    /**
     * What a copy of a delivered message keeps of its properties: its id, reply address and
     * correlation id (AMQP short strings, 255 bytes at most), persistent, and Tasq's own headers, read
     * bounded. Nothing else its publisher wrote is copied: not a {@code user-id} (the broker checks it
     * against the connection that publishes, and closes the channel if it differs), nor
     * {@code CC}/{@code BCC} headers (which would route copies into other queues), nor an
     * {@code expiration}, nor headers large enough that the copy would no longer fit in a frame; nor
     * the broker's dead-lettering history, which grows with every pass through a delay queue.
     */
    private static AMQP.BasicProperties.Builder copy(AMQP.BasicProperties p) {
        return new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(p.getMessageId()).replyTo(p.getReplyTo())
                .correlationId(p.getCorrelationId());
    }

    /** Tasq's own headers of a message, bounded, in a map of its own. */
    private static Map<String, Object> tasqHeaders(AMQP.BasicProperties p) {
        Map<String, Object> h = new HashMap<>();
        int attempt = attempt(p);
        if (attempt > 1) {
            h.put(Topology.ATTEMPT, attempt);
        }
        long run = run(p);
        if (run > 0) {
            h.put(Topology.RUN, run);
        }
        long notBefore = number(p, Topology.NOT_BEFORE);
        if (notBefore > 0) {
            h.put(Topology.NOT_BEFORE, notBefore);
        }
        return h;
    }

    /**
     * The properties of a message refused unverified (unsigned, wrongly signed, malformed, too large):
     * fresh ones, not the message's own, so that a dead letter holds nothing of it beyond its first
     * bytes and its id (at most 255 bytes, an AMQP short string). {@code bytes} is its real size.
     */
    static AMQP.BasicProperties refused(AMQP.BasicProperties p, long bytes, String reason, String workerId,
            long nowMillis) {
        Map<String, Object> h = new HashMap<>();
        h.put(Topology.REFUSED_BYTES, bytes);
        deadHeaders(h, reason, workerId, nowMillis);
        return new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(p.getMessageId()).headers(h).build();
    }

    /** A refused job's properties in the dead-letter queue: why, by whom, when, under which id. */
    static AMQP.BasicProperties deadLetter(AMQP.BasicProperties p, String reason, String workerId, long nowMillis) {
        Map<String, Object> h = tasqHeaders(p);
        deadHeaders(h, reason, workerId, nowMillis);
        return copy(p).headers(h).build();
    }

    /** The properties of a job a worker held itself (a retry it waited for) in the dead-letter queue. */
    static AMQP.BasicProperties deadLetter(WorkerOp.Bury b, String replyQueue, String workerId, long nowMillis) {
        Map<String, Object> h = new HashMap<>();
        if (b.attempts() > 1) {
            h.put(Topology.ATTEMPT, b.attempts());
        }
        deadHeaders(h, b.reason(), workerId, nowMillis);
        return new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(b.jobId()).replyTo(replyQueue).headers(h)
                .build();
    }

    private static void deadHeaders(Map<String, Object> h, String reason, String workerId, long nowMillis) {
        h.put(Topology.REASON, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason);
        h.put(Topology.REJECTED_BY, workerId);
        h.put(Topology.REJECTED_AT, nowMillis);
        h.put(Topology.DEAD_ID, Long.toString(nowMillis, 36) + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * A dead letter's properties when an operator sends it back: a new job again (attempt 1, due
     * now), without the dead-letter headers.
     */
    static AMQP.BasicProperties revived(AMQP.BasicProperties p) {
        Map<String, Object> h = tasqHeaders(p);
        h.keySet().removeAll(java.util.List.of(Topology.ATTEMPT, Topology.NOT_BEFORE));
        return copy(p).headers(h.isEmpty() ? null : h).build();
    }

    /** The header of a message that holds several results for one client: how many. */
    static final String RESULTS = "tasq-results";

    /** A message that holds several results, in order: [count] then [length][result envelope] each, as 4-byte ints. */
    static byte[] results(List<ResultMessage> results) {
        int size = 4;
        for (ResultMessage r : results) {
            size += 4 + r.body().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(results.size());
        for (ResultMessage r : results) {
            b.putInt(r.body().length).put(r.body());
        }
        return b.array();
    }

    /** The result envelopes in a message: one, or as many as {@link #results} put in it. */
    static List<byte[]> results(AMQP.BasicProperties p, byte[] body) {
        if (number(p, RESULTS) == 0) {
            return List.of(body);
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        try {
            int n = b.getInt();
            List<byte[]> out = new ArrayList<>(Math.max(0, Math.min(n, 1024)));
            for (int i = 0; i < n; i++) {
                int length = b.getInt();
                if (length < 0 || length > b.remaining()) {
                    // checked before allocating: a forged length must not make the client allocate 2 GiB
                    throw new IllegalArgumentException("result " + i + " claims " + length + " bytes, "
                            + b.remaining() + " are left");
                }
                byte[] one = new byte[length];
                b.get(one);
                out.add(one);
            }
            return out;
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("a malformed message of results (" + body.length + " bytes)", e);
        }
    }

    /** Properties of a message holding several results (each result carries its own job id). */
    static AMQP.BasicProperties results(int count) {
        return new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(UUID.randomUUID().toString())
                .headers(Map.of(RESULTS, count)).build();
    }

    /** A result's properties: persistent, correlated with its job. */
    static AMQP.BasicProperties result(ResultMessage r) {
        return new AMQP.BasicProperties.Builder().deliveryMode(2).correlationId(r.jobId()).messageId(r.jobId())
                .build();
    }
}
