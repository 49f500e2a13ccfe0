package io.tasq.backend.redis;

import io.tasq.spi.UniqueLocks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import redis.clients.jedis.Jedis;

/**
 * Unique-job locks kept in Redis, so that a key holds across every client and worker of the queue.
 * A key is a string {@link Keys#unique(String)} holding the id of the job that took it
 * ({@code SET NX PX}: it expires after the job's ttl if never released), and its followers a list
 * {@link Keys#uniqueFollowers(String)} expiring with it. Each method is one Lua script; a release
 * deletes the key only if the job still holds it (compare and delete).
 *
 * <p>Called by the worker's job actors before and after a job runs: while Redis cannot be reached,
 * each call tries again (backoff from 100 ms to 5 s) until it is back or the worker closes.
 * Thread-safe.
 */
final class RedisUniqueLocks implements UniqueLocks, AutoCloseable {


    private final RedisConnections connections;
    private final Keys keys;
    private final String workerId;
    private volatile boolean closed;

    RedisUniqueLocks(RedisConnections connections, Keys keys, String workerId) {
        this.connections = connections;
        this.keys = keys;
        this.workerId = workerId;
    }

    @Override
    public Optional<String> acquire(String key, String jobId, long ttlMillis) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(jobId, "jobId == null");
        Object holder = retrying("take unique key " + key, j -> Script.UNIQUE_ACQUIRE.run(j,
                List.of(keys.unique(key), keys.uniqueFollowers(key)),
                List.of(Keys.bytes(jobId), Keys.bytes(Long.toString(Math.max(1, ttlMillis))))));
        return holder instanceof byte[] b ? Optional.of(Entries.text(b)) : Optional.empty();
    }

    @Override
    public boolean follow(String key, String holderJobId, Follower follower) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(follower, "follower == null");
        byte[] packed = Entries.packed("", follower.jobId(), follower.name(), Keys.bytes(follower.replyTo()));
        Object followed = retrying("follow the holder of unique key " + key, j -> Script.UNIQUE_FOLLOW.run(j,
                List.of(keys.unique(key), keys.uniqueFollowers(key)), List.of(Keys.bytes(holderJobId), packed)));
        return Long.valueOf(1).equals(followed);
    }

    @Override
    public List<Follower> release(String key, String jobId) {
        Objects.requireNonNull(key, "key == null");
        Object reply = retrying("release unique key " + key, j -> Script.UNIQUE_RELEASE.run(j,
                List.of(keys.unique(key), keys.uniqueFollowers(key)), List.of(Keys.bytes(jobId))));
        List<Follower> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            Follower f = unpack((byte[]) o);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** A follower from {@code <len>:<job id><len>:<name><client id>}; null if it is not one. */
    static Follower unpack(byte[] raw) {
        ByteBuffer in = ByteBuffer.wrap(raw);
        String jobId = field(in);
        String name = jobId == null ? null : field(in);
        if (name == null) {
            return null;
        }
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        return new Follower(jobId, name, Entries.text(rest));
    }

    private static String field(ByteBuffer in) {
        int len = 0;
        int digits = 0;
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == ':') {
                break;
            }
            if (b < '0' || b > '9' || ++digits > 9) {
                return null;
            }
            len = len * 10 + (b - '0');
        }
        if (digits == 0 || len > in.remaining()) {
            return null;
        }
        byte[] v = new byte[len];
        in.get(v);
        return Entries.text(v);
    }

    /** Runs {@code call} on a pooled connection, again while Redis is away, until it answers or this closes. */
    private Object retrying(String what, Function<Jedis, Object> call) {
        return connections.retrying(workerId, what, () -> !closed, call);
    }

    /** Stops waiting for Redis: calls still trying again throw. */
    @Override
    public void close() {
        closed = true;
    }
}
