package io.tasq.backend.redis;

import io.tasq.spi.OutboundJob;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a job is laid out in Redis, and how raw replies are read back. A stream entry has the fields
 * {@code job} (the job id), {@code to} (the client id), {@code body} (the envelope), {@code run} (the
 * run number, for a run of a repeating job fired by {@link RedisScheduleStore}) and, once the job was
 * handed back or retried, {@code tries} (deliveries before this entry) and {@code lost} (how many of
 * those went to workers that were lost). A delayed job is one member of the
 * sorted set: {@code <len>:<job id><len>:<client id><envelope>}, lengths in bytes, so that the
 * promotion script can split it without any other key.
 *
 * <p>Everything in an entry is unverified when it is read (anyone who can write to Redis can add
 * one): numbers are parsed strictly ({@link #count}), ids are only carried or logged
 * ({@link #printable}), and sizes were checked before the worker received it ({@code read.lua},
 * {@link #MAX_FIELDS}, {@link #MAX_OTHER_BYTES}). Stateless.
 */
final class Entries {

    static final String JOB = "job";
    static final String TO = "to";
    static final String BODY = "body";
    static final String TRIES = "tries";
    static final String RUN = "run";
    static final String LOST = "lost";
    /** The most fields an entry may have to reach a worker; Tasq writes at most six. */
    static final int MAX_FIELDS = 16;
    /**
     * The most bytes an entry's fields other than its body may have together (names and values) to
     * reach a worker: a job id and a client id are at most 128 characters each.
     */
    static final int MAX_OTHER_BYTES = 8192;

    private Entries() {
    }

    /**
     * One stream entry as read.
     *
     * @param id the entry id, as {@code 1700000000000-0}
     * @param fields its fields in order; values are raw bytes
     */
    record Entry(String id, Map<String, byte[]> fields) {

        /** The envelope, or {@code null} if the entry has none (it was not written by Tasq). */
        byte[] body() {
            return fields.get(BODY);
        }

        /** The job id, or {@code "?"}, for messages. */
        String jobId() {
            byte[] v = fields.get(JOB);
            return v == null ? "?" : text(v);
        }

        /** The client id, or {@code ""} if the entry has none. */
        String replyTo() {
            byte[] v = fields.get(TO);
            return v == null ? "" : text(v);
        }

        /** How many times the job was delivered before this entry was written (see {@link #count}). */
        int tries() {
            return (int) count(fields.get(TRIES), 9);
        }

        /** How many deliveries before this entry went to workers that were lost (see {@code claim.lua}). */
        int lost() {
            return (int) count(fields.get(LOST), 9);
        }

        /** The run number of a fired run of a repeating job; 0 for any other entry (see {@link #count}). */
        long run() {
            return count(fields.get(RUN), 18);
        }

        /** The job id as text fit for a log line. */
        String label() {
            return printable(jobId());
        }

        /** The fields flattened as name, value, name, value, for a script's arguments. */
        List<byte[]> flat() {
            List<byte[]> out = new ArrayList<>(fields.size() * 2);
            fields.forEach((k, v) -> {
                out.add(Keys.bytes(k));
                out.add(v);
            });
            return out;
        }
    }

    /**
     * A count written by Tasq ({@code tries}, {@code lost}, {@code run}): plain decimal digits, at most
     * {@code digits} of them; anything else (absent, signs, spaces, hex, more digits, as anyone who can
     * write to Redis may write) is 0. Fields are read before the envelope is verified, so a forged one
     * must neither throw nor overflow the attempt arithmetic; the same rule is in {@code claim.lua}.
     */
    static long count(byte[] v, int digits) {
        if (v == null || v.length == 0 || v.length > digits) {
            return 0;
        }
        long n = 0;
        for (byte b : v) {
            if (b < '0' || b > '9') {
                return 0;
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

    /**
     * {@code s} shortened to 128 characters with control characters replaced, for logs: job ids and
     * client ids in a stream entry are unverified, and must not forge log lines.
     */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 130));
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        return s.length() > 128 ? out.append("...").toString() : out.toString();
    }

    /** The fields of a new stream entry for {@code job}. */
    static Map<byte[], byte[]> fields(OutboundJob job) {
        Map<byte[], byte[]> m = new LinkedHashMap<>();
        m.put(Keys.bytes(JOB), Keys.bytes(job.jobId()));
        m.put(Keys.bytes(TO), Keys.bytes(job.replyTo()));
        m.put(Keys.bytes(BODY), job.body());
        return m;
    }

    /** The sorted-set member for a delayed {@code job}; the promotion script splits it again. */
    static byte[] delayedMember(OutboundJob job) {
        return packed("", job.jobId(), job.replyTo(), job.body());
    }

    /**
     * {@code <prefix><len>:<job id><len>:<client id><envelope>}, lengths in bytes: a job as one value
     * that a script can split without any other key.
     */
    static byte[] packed(String prefix, String jobId, String replyTo, byte[] body) {
        byte[] id = Keys.bytes(jobId);
        byte[] to = Keys.bytes(replyTo);
        ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length() + id.length + to.length + body.length
                + 24);
        out.writeBytes(Keys.bytes(prefix + id.length + ":"));
        out.writeBytes(id);
        out.writeBytes(Keys.bytes(to.length + ":"));
        out.writeBytes(to);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The entries of an {@code XREADGROUP} reply on one stream (RESP2); empty for a timeout. */
    static List<Entry> fromRead(Object reply) {
        if (!(reply instanceof List<?> streams) || streams.isEmpty()) {
            return List.of();
        }
        Object stream = streams.get(0);
        if (!(stream instanceof List<?> s) || s.size() < 2 || !(s.get(1) instanceof List<?> entries)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>(entries.size());
        for (Object e : entries) {
            if (e instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof byte[] id) {
                out.add(entry(id, pair.get(1)));
            }
        }
        return out;
    }

    /** The entries of an {@code XRANGE} or {@code XREVRANGE} reply (RESP2). */
    static List<Entry> fromRange(Object reply) {
        if (!(reply instanceof List<?> entries)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>(entries.size());
        for (Object e : entries) {
            if (e instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof byte[] id) {
                out.add(entry(id, pair.get(1)));
            }
        }
        return out;
    }

    /** An entry from its id and its flat field list (or {@code null} for an entry deleted meanwhile). */
    static Entry entry(byte[] id, Object flat) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        if (flat instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                if (list.get(i) instanceof byte[] k && list.get(i + 1) instanceof byte[] v) {
                    fields.putIfAbsent(text(k), v);
                }
            }
        }
        return new Entry(text(id), fields);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
