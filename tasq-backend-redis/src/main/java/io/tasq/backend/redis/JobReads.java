package io.tasq.backend.redis;

import io.tasq.spi.Limits;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * How a worker's reader takes new jobs without ever receiving more than it accepts. Entries are read
 * by a script ({@code read.lua}: {@code XREADGROUP} without blocking) that refuses, in the same step,
 * every entry over the limits (a body over {@link Limits#maxMessageBytes} of {@code envelope.max-bytes},
 * more than {@link Entries#MAX_FIELDS} fields, more than {@link Entries#MAX_OTHER_BYTES} besides the
 * body): it goes to the dead letters truncated and never leaves Redis. Scripts cannot block, so an
 * idle reader waits on the queue's doorbell ({@link Keys#ring()}) instead, which every writer of jobs
 * rings, in the same pipeline as the read that follows; a job written without a ring (by an older
 * client, by hand) is read at the next timeout.
 * Every reply passes through the connection's {@link ReplyGuard}, set here to what the command may
 * answer, so that not even the doorbell (which anyone who can write to Redis can fill) makes the
 * worker allocate more. Not thread-safe: the reader's own.
 */
final class JobReads {

    private static final Logger LOG = LoggerFactory.getLogger(JobReads.class);
    private static final byte[] GROUP = Keys.bytes(Keys.GROUP);
    /** Where a reader waits from before any read: the doorbell's first ring. */
    static final byte[] NO_RING = Keys.bytes("0-0");
    /** A doorbell entry is a few bytes; anything bigger was not written by Tasq. */
    private static final ReplyGuard.Limits RING = new ReplyGuard.Limits(256, 16, 4096);

    /**
     * What one read delivered.
     *
     * @param entries the entries within the limits, for the worker
     * @param refused how many entries the script dead-lettered instead
     * @param ring the doorbell's last ring when the script ran, to wait from
     */
    record Batch(List<Entries.Entry> entries, long refused, byte[] ring) {
    }

    private final Keys keys;
    private final RedisSettings settings;
    private final String workerId;
    private final byte[] consumer;
    private final byte[] deadMax;
    private final byte[] maxBody;

    JobReads(Keys keys, RedisSettings settings, String workerId) {
        this.keys = keys;
        this.settings = settings;
        this.workerId = workerId;
        this.consumer = Keys.bytes(workerId);
        this.deadMax = Keys.bytes(Integer.toString(settings.deadLetterMax()));
        this.maxBody = Keys.bytes(Long.toString(settings.maxBodyBytes()));
    }

    /** The script arguments that set the limits: largest body, other fields, most fields, bytes kept. */
    List<byte[]> limitArgs() {
        return List.of(maxBody, Keys.bytes(Integer.toString(Entries.MAX_OTHER_BYTES)),
                Keys.bytes(Integer.toString(Entries.MAX_FIELDS)), Keys.bytes(Integer.toString(Limits.REFUSED_BYTES_KEPT)));
    }

    /** What a reply of at most {@code count} entries within the limits may hold. */
    static ReplyGuard.Limits forEntries(RedisSettings settings, int count) {
        long entry = settings.maxBodyBytes() + Entries.MAX_OTHER_BYTES + 1024; // the body, the rest, the framing
        return new ReplyGuard.Limits(settings.maxBodyBytes() + Entries.MAX_OTHER_BYTES,
                Math.max(count, 2L * Entries.MAX_FIELDS) + 8, count * entry + 4096);
    }

    /** Takes up to {@code wanted} new entries, refusing those over the limits in the same step. */
    Batch read(ReaderConnection connection, Jedis j, int wanted, long now) {
        List<byte[]> args = readArgs(wanted, now);
        connection.expect(forEntries(settings, wanted));
        Object reply = Script.READ.run(j, readKeys(), args);
        connection.expect(ReplyGuard.Limits.SMALL);
        return batch(reply);
    }

    /**
     * Waits up to {@code block} ms for the doorbell to ring after {@code ring} (or for an unblock), then
     * takes up to {@code wanted} new entries as {@link #read} does: the two go in one pipeline, Redis
     * running the read as soon as the wait ends, so that a job wakes an idle worker in one round trip.
     * A doorbell someone broke (another type; an entry over the guard's limits, which breaks the
     * connection off) is deleted: the next ring makes it anew, and meanwhile the reader waits out its
     * timeout.
     */
    Batch awaitAndRead(ReaderConnection connection, Jedis j, byte[] ring, byte[] block, int wanted, long now) {
        List<byte[]> args = readArgs(wanted, now);
        connection.expect(RING, forEntries(settings, wanted), ReplyGuard.Limits.SMALL);
        Pipeline p = j.pipelined();
        Response<Object> rang = p.sendCommand(Protocol.Command.XREAD, Keys.bytes("COUNT"), Keys.bytes("1"),
                Keys.bytes("BLOCK"), block, Keys.bytes("STREAMS"), keys.ring(), ring);
        Response<Object> read = Script.READ.queue(p, readKeys(), args);
        p.sync();
        connection.expect(ReplyGuard.Limits.SMALL);
        try {
            rang.get();
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                throw e;
            }
            LOG.warn("worker {}: the doorbell {} is not a stream (someone else wrote it); deleting it",
                    workerId, Keys.name(keys.ring()));
            j.del(keys.ring());
        }
        try {
            return batch(read.get());
        } catch (JedisNoScriptException e) {
            Script.loadAll(j); // the server restarted and forgot the scripts
            return read(connection, j, wanted, now);
        }
    }

    /** Whether {@code e} broke off the doorbell's reply in {@link #awaitAndRead}: someone filled the doorbell. */
    static boolean ringOverLimits(Throwable e) {
        ReplyGuard.Exceeded x = ReaderConnection.over(e);
        return x != null && x.limits() == RING;
    }

    private List<byte[]> readKeys() {
        return List.of(keys.jobs(), keys.dead(), keys.deadDropped(), keys.ring());
    }

    private List<byte[]> readArgs(int wanted, long now) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, consumer, Keys.bytes(Integer.toString(wanted))));
        args.addAll(limitArgs());
        args.add(deadMax);
        args.add(Keys.bytes(Long.toString(now)));
        return args;
    }

    private Batch batch(Object raw) {
        List<?> reply = (List<?>) raw;
        List<Entries.Entry> entries = new ArrayList<>();
        if (reply.get(0) instanceof List<?> rows) {
            for (Object o : rows) {
                if (o instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof byte[] id) {
                    entries.add(Entries.entry(id, pair.get(1)));
                }
            }
        }
        long refused = reply.get(1) instanceof Long n ? n : 0;
        if (refused > 0) {
            LOG.warn("worker {} refused {} entr{} of {} before receiving them (over the limits: a body over {} "
                    + "bytes, more than {} fields or {} bytes besides the body); they are in the dead letters, "
                    + "truncated", workerId, refused, refused == 1 ? "y" : "ies", Keys.name(keys.jobs()),
                    settings.maxBodyBytes(), Entries.MAX_FIELDS, Entries.MAX_OTHER_BYTES);
        }
        byte[] ring = reply.get(2) instanceof byte[] r ? r : NO_RING;
        return new Batch(entries, refused, ring);
    }
}
