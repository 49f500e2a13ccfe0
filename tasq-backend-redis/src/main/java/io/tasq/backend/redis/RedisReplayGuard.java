package io.tasq.backend.redis;

import io.tasq.spi.ReplayGuard;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import redis.clients.jedis.Jedis;

/**
 * The queue's memory of verified jobs taken, shared by every worker: a claim is a string
 * {@link Keys#taken(String)} holding the id of the delivery (stream entry) that took the job, set
 * with {@code SET NX PXAT} so that it expires with the job's signed expiry, or after
 * {@code redis.replay-window} (1 h) if that comes first ({@code replay-claim.lua}).
 * Another delivery of the same job (a captured envelope written again) finds the claim and is
 * refused; the same entry taken over after its worker was lost finds its own id and keeps it. A
 * delivery that sends its job round again moves or gives up its claim in the same script
 * ({@link RedisDelivery}), and {@code tq dead retry} moves it to the new entry.
 *
 * <p>Called by the worker's job actors: while Redis cannot be reached, each call tries again (backoff
 * from 100 ms to 5 s) until it is back or the worker closes. Thread-safe.
 */
final class RedisReplayGuard implements ReplayGuard, AutoCloseable {

    /** Where a claim made for a delivery in hand is noted, so that its settlement can move it. */
    interface Deliveries {
        /** The delivery in hand with this id, or {@code null}. */
        RedisDelivery inHand(String deliveryId);
    }

    private final RedisConnections connections;
    private final Keys keys;
    private final String workerId;
    private final Deliveries deliveries;
    private final long windowMillis;
    private volatile boolean closed;

    /**
     * @param window how long a claim is kept at most ({@code redis.replay-window}): a key per job taken
     *     costs Redis memory, so it lives until the job's expiry or this, whichever comes first
     */
    RedisReplayGuard(RedisConnections connections, Keys keys, String workerId, Deliveries deliveries, Duration window) {
        this.connections = connections;
        this.keys = keys;
        this.workerId = workerId;
        this.deliveries = deliveries;
        this.windowMillis = window.toMillis();
    }

    @Override
    public boolean claim(String jobKey, String deliveryId, long expiresAtMillis) {
        Objects.requireNonNull(jobKey, "jobKey == null");
        Objects.requireNonNull(deliveryId, "deliveryId == null");
        // PXAT must be positive; a claim that expires at once still answers for this call
        long until = Math.min(expiresAtMillis, System.currentTimeMillis() + windowMillis);
        byte[] at = Keys.bytes(Long.toString(Math.max(1, until)));
        Object taken = retrying("claim job " + Entries.printable(jobKey), j -> Script.REPLAY_CLAIM.run(j,
                List.of(keys.taken(jobKey)), List.of(Keys.bytes(deliveryId), at)));
        boolean mine = Long.valueOf(1).equals(taken);
        if (mine) {
            RedisDelivery d = deliveries.inHand(deliveryId);
            if (d != null) {
                d.claimed(jobKey);
            }
        }
        return mine;
    }

    @Override
    public void release(String jobKey) {
        Objects.requireNonNull(jobKey, "jobKey == null");
        retrying("release the claim of job " + Entries.printable(jobKey), j -> j.del(keys.taken(jobKey)));
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
