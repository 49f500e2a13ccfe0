package io.tasq.backend.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Takes over entries idle for longer than the visibility timeout, whose worker was lost
 * ({@code claim.lua}: {@code XAUTOCLAIM}, with each entry's delivery count; an entry over the size
 * limits of {@link JobReads} is refused there instead). Run by the consumer's
 * reader between two reads, so that it fills the same free slots as new entries do. Walks the
 * pending list with the {@code XAUTOCLAIM} cursor across calls. Not thread-safe: the reader's own.
 */
final class Reclaimer {

    private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);
    private static final byte[] GROUP = Keys.bytes(Keys.GROUP);
    private static final byte[] START = Keys.bytes("0-0");

    /** An entry taken over, with the attempt it is delivered as. */
    record Claimed(Entries.Entry entry, int attempt) {
    }

    private final Keys keys;
    private final RedisSettings settings;
    private final String workerId;
    private final JobReads reads;
    private final byte[] me;
    private final long every;
    private byte[] cursor = START;
    private long next;

    Reclaimer(Keys keys, RedisSettings settings, String workerId, JobReads reads) {
        this.keys = keys;
        this.settings = settings;
        this.workerId = workerId;
        this.reads = reads;
        this.me = Keys.bytes(workerId);
        // a quarter of the timeout: a lost worker's jobs wait at most about 1.25 times the timeout
        this.every = Math.min(5_000, Math.max(25, settings.visibilityTimeout().toMillis() / 4));
    }

    /** How often to look, in milliseconds: also the longest a read may block. */
    long every() {
        return every;
    }

    /**
     * Takes over at most {@code free} abandoned entries if it is time to look, leaving out those
     * already in {@code inHand}.
     */
    List<Claimed> claim(ReaderConnection connection, Jedis j, int free, long now, Set<String> inHand) {
        if (now < next || free <= 0) {
            return List.of();
        }
        next = now + every;
        List<byte[]> args = new ArrayList<>(List.of(GROUP, me, bytes(settings.visibilityTimeout().toMillis()), cursor,
                bytes(free), bytes(settings.maxAttempts()), bytes(settings.deadLetterMax()), bytes(now)));
        args.addAll(reads.limitArgs());
        connection.expect(JobReads.forEntries(settings, free));
        List<?> reply = (List<?>) Script.CLAIM.run(j, List.of(keys.jobs(), keys.dead(), keys.deadDropped()), args);
        connection.expect(ReplyGuard.Limits.SMALL);
        cursor = reply.get(0) instanceof byte[] c ? c : START;
        long dead = (Long) reply.get(2);
        if (dead > 0) {
            LOG.warn("worker {} moved {} job(s) to the dead letters ({}): delivered more than {} times, each time to "
                    + "a worker that was lost", workerId, dead, Keys.name(keys.dead()), settings.maxAttempts());
        }
        long refused = reply.size() > 3 && reply.get(3) instanceof Long n ? n : 0;
        if (refused > 0) {
            LOG.warn("worker {} refused {} entr{} of a lost worker before receiving them (over the size limits); they "
                    + "are in the dead letters ({}), truncated", workerId, refused, refused == 1 ? "y" : "ies",
                    Keys.name(keys.dead()));
        }
        List<Claimed> out = new ArrayList<>();
        for (Object o : (List<?>) reply.get(1)) {
            List<?> c = (List<?>) o;
            Entries.Entry e = Entries.entry((byte[]) c.get(0), c.get(1));
            if (inHand.contains(e.id())) {
                continue; // ours already (idle after a server restart): the claim only renewed it
            }
            out.add(new Claimed(e, (int) Math.min(Integer.MAX_VALUE, (Long) c.get(2) + (long) e.tries())));
        }
        if (!out.isEmpty()) {
            LOG.info("worker {} took over {} job(s) idle for longer than the visibility timeout ({}): their worker "
                    + "was lost", workerId, out.size(), settings.visibilityTimeout());
        }
        return out;
    }

    private static byte[] bytes(long n) {
        return Keys.bytes(Long.toString(n));
    }
}
