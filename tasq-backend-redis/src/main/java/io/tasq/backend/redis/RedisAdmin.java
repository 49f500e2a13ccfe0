package io.tasq.backend.redis;

import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.time.Clock;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What an operator's tool sees of a Redis queue, read from the keys themselves on the backend's
 * pooled connections: the workers' heartbeats ({@link Heartbeats}) and the queue's depth in one
 * snapshot ({@code stats.lua}). Holds nothing of its own. Thread-safe.
 */
final class RedisAdmin implements QueueAdmin {

    private static final byte[] GROUP = Keys.bytes(Keys.GROUP);

    private final RedisConnections connections;
    private final Keys keys;
    private final Clock clock;

    RedisAdmin(RedisConnections connections, Keys keys, Clock clock) {
        this.connections = connections;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * The workers whose latest heartbeat is live by this backend's clock, by id.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    @Override
    public List<WorkerInfo> workers() {
        try (Jedis j = connections.borrow()) {
            long now = clock.millis();
            return Heartbeats.read(j, keys).stream().filter(w -> w.liveAt(now)).toList();
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    /**
     * Waiting, in flight, delayed and dead jobs, counted in one script so that they add up.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    @Override
    public QueueStats stats() {
        try (Jedis j = connections.borrow()) {
            List<?> r = (List<?>) Script.STATS.run(j, List.of(keys.jobs(), keys.delayed(), keys.dead()), List.of(GROUP));
            return new QueueStats((Long) r.get(0), (Long) r.get(1), (Long) r.get(2), (Long) r.get(3));
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }
}
