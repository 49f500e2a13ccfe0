package io.tasq.backend.redis;

import io.tasq.ConfigurationException;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A queue's dead letters as an operator sees them ({@code tq dead list|retry|purge}): the entries of
 * the stream {@link Keys#dead()}, each dead letter's id being its entry id. A retry sends the job
 * back to the jobs stream as a new entry (attempt 1) and deletes the dead letter, in one script;
 * one with no job in it (something Tasq did not write) cannot be retried and stays. Read and changed
 * on the backend's pooled connections; holds nothing of its own. Thread-safe.
 */
final class RedisDeadLetters implements DeadLetters {

    /** Dead letters handled per script call, so that none blocks the server for long. */
    private static final int BATCH = 500;
    private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

    private final RedisConnections connections;
    private final Keys keys;

    RedisDeadLetters(RedisConnections connections, Keys keys) {
        this.connections = connections;
        this.keys = keys;
    }

    /** @throws io.tasq.TasqException naming the address if the server cannot be reached */
    @Override
    public long count() {
        try (Jedis j = connections.borrow()) {
            return j.xlen(keys.dead());
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    /**
     * How many dead letters the cap dropped ({@code redis.dead-letter-max}, oldest first): every script
     * that adds one counts what its {@code XADD MAXLEN ~} trimmed, in {@link Keys#deadDropped()}.
     * Dead letters sent back or purged by an operator are not counted; purging keeps the count.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    @Override
    public long dropped() {
        try (Jedis j = connections.borrow()) {
            byte[] n = j.get(keys.deadDropped());
            return n == null ? 0 : Math.max(0, Entries.count(n, 18));
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    /** @throws io.tasq.TasqException naming the address if the server cannot be reached */
    @Override
    public List<DeadLetter> list(int max) {
        if (max <= 0) {
            return List.of();
        }
        try (Jedis j = connections.borrow()) {
            List<DeadLetter> out = new ArrayList<>();
            for (Entries.Entry e : range(j, Keys.bytes("-"), max)) {
                out.add(letter(e));
            }
            return out;
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    /** @throws io.tasq.TasqException naming the address if the server cannot be reached */
    @Override
    public int retry(List<String> ids) {
        Objects.requireNonNull(ids, "ids == null");
        try (Jedis j = connections.borrow()) {
            if (!ids.isEmpty()) {
                int sent = 0;
                for (int from = 0; from < ids.size(); from += BATCH) {
                    sent += retry(j, ids.subList(from, Math.min(ids.size(), from + BATCH)));
                }
                return sent;
            }
            // all of them: those there now, not those a worker refuses again meanwhile
            List<Entries.Entry> last = Entries.fromRange(j.sendCommand(Protocol.Command.XREVRANGE, keys.dead(),
                    Keys.bytes("+"), Keys.bytes("-"), Keys.bytes("COUNT"), Keys.bytes("1")));
            if (last.isEmpty()) {
                return 0;
            }
            String end = last.get(0).id();
            int sent = 0;
            byte[] start = Keys.bytes("-");
            while (true) {
                List<String> page = new ArrayList<>();
                for (Entries.Entry e : range(j, start, BATCH)) {
                    if (compare(e.id(), end) > 0) {
                        break;
                    }
                    page.add(e.id());
                }
                if (page.isEmpty()) {
                    return sent;
                }
                sent += retry(j, page);
                start = Keys.bytes("(" + page.get(page.size() - 1));
            }
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    /** @throws io.tasq.TasqException naming the address if the server cannot be reached */
    @Override
    public int purge(List<String> ids) {
        Objects.requireNonNull(ids, "ids == null");
        try (Jedis j = connections.borrow()) {
            if (ids.isEmpty()) {
                return run(j, Script.DEAD_PURGE, List.of(keys.dead()), List.of());
            }
            int deleted = 0;
            for (int from = 0; from < ids.size(); from += BATCH) {
                deleted += run(j, Script.DEAD_PURGE, List.of(keys.dead()),
                        ids.subList(from, Math.min(ids.size(), from + BATCH)));
            }
            return deleted;
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    private List<Entries.Entry> range(Jedis j, byte[] start, int max) {
        return Entries.fromRange(j.sendCommand(Protocol.Command.XRANGE, keys.dead(), start, Keys.bytes("+"),
                Keys.bytes("COUNT"), Keys.bytes(Integer.toString(max))));
    }

    /** Sends these back ({@code dead-retry.lua}), moving their replay claims along. */
    private int retry(Jedis j, List<String> ids) {
        check(ids);
        List<byte[]> args = new ArrayList<>(ids.size() + 1);
        args.add(Keys.bytes(keys.takenPrefix()));
        ids.forEach(id -> args.add(Keys.bytes(id)));
        return (int) (long) (Long) Script.DEAD_RETRY.run(j, List.of(keys.dead(), keys.jobs(), keys.ring()), args);
    }

    private static int run(Jedis j, Script script, List<byte[]> keys, List<String> ids) {
        check(ids);
        List<byte[]> args = ids.stream().map(Keys::bytes).toList();
        return (int) (long) (Long) script.run(j, keys, args);
    }

    private static void check(List<String> ids) {
        for (String id : ids) {
            if (!ENTRY_ID.matcher(id).matches()) {
                throw new ConfigurationException("'" + id + "' is not a dead-letter id on Redis: they are stream "
                        + "entry ids like 1732802000000-0, as tq dead list shows them");
            }
        }
    }

    /** A dead letter from its entry: written by a worker (reject.lua, claim.lua) or by a script for garbage. */
    static DeadLetter letter(Entries.Entry e) {
        Map<String, byte[]> f = e.fields();
        byte[] body = f.get(Entries.BODY) != null ? f.get(Entries.BODY) : f.getOrDefault("raw", new byte[0]);
        String reason = f.containsKey("reason") ? Entries.text(f.get("reason")) : "";
        int attempts = (int) number(f.get("attempts"), 1L + e.tries());
        return new DeadLetter(e.id(), f.containsKey(Entries.JOB) ? e.jobId() : "", body, reason, attempts,
                number(f.get("at"), 0));
    }

    private static long number(byte[] raw, long otherwise) {
        if (raw == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(Entries.text(raw));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** Orders two stream entry ids ({@code ms-seq}). */
    static int compare(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }
}
