package io.tasq.backend.redis;

import io.tasq.ClientClosedException;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.ResultListener;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Redis backend for one queue: jobs in a stream read by a consumer group, delayed jobs in a
 * sorted set (with retries waiting for their backoff), repeating jobs in a hash and a sorted set,
 * results in one stream per client, dead letters in a stream ({@link #deadLetters()}), unique-job
 * locks in strings ({@link RedisUniqueLocks}), each live worker's heartbeat in a hash (see {@link Keys}).
 * Everything is kept by the server, so jobs and results survive the restart of any client or
 * worker, and, with persistence on, of Redis itself. The connection pool is made when the first
 * producer, consumer or admin call needs it.
 *
 * <p>Thread-safe.
 */
final class RedisBackend implements Backend {

    /** How long a blocking read waits before it looks again; below the socket timeout. */
    private static final long BLOCK_MILLIS = 2_000;

    private final RedisSettings settings;
    private final String description;
    private final Clock clock;
    private final Keys keys;
    private final RedisConnections connections;
    private final RedisAdmin admin;
    private final RedisDeadLetters deadLetters;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    RedisBackend(RedisSettings settings, String description, Clock clock) {
        this.settings = settings;
        this.description = description;
        this.clock = clock;
        this.keys = new Keys(settings.queue());
        this.connections = new RedisConnections(settings, description);
        this.admin = new RedisAdmin(connections, keys, clock);
        this.deadLetters = new RedisDeadLetters(connections, keys);
    }

    @Override
    public String queue() {
        return settings.queue();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Set<BackendCapability> capabilities() {
        return EnumSet.of(BackendCapability.DURABLE, BackendCapability.NATIVE_DELAY, BackendCapability.REDELIVERY,
                BackendCapability.RESULT_RETENTION, BackendCapability.DURABLE_SCHEDULES);
    }

    @Override
    public JobProducer openProducer(String clientId, ResultListener listener) {
        Objects.requireNonNull(clientId, "clientId == null");
        Objects.requireNonNull(listener, "listener == null");
        checkOpen();
        RedisProducer p = new RedisProducer(connections, keys, clientId, listener, clock, blockMillis());
        open.add(p);
        return p;
    }

    @Override
    public JobConsumer openConsumer(ConsumerOptions options) {
        Objects.requireNonNull(options, "options == null");
        checkOpen();
        RedisConsumer c = new RedisConsumer(connections, keys, settings, options, clock, blockMillis());
        open.add(c);
        return c;
    }

    /**
     * The queue's live workers (from their heartbeats) and depth, read from Redis on the backend's
     * pooled connections; nothing is opened before the first call.
     */
    @Override
    public Optional<QueueAdmin> admin() {
        return Optional.of(admin);
    }

    /**
     * The queue's dead-letter stream, listed, retried and purged on the backend's pooled connections;
     * nothing is opened before the first call.
     */
    @Override
    public Optional<DeadLetters> deadLetters() {
        return Optional.of(deadLetters);
    }

    private long blockMillis() {
        return Math.min(BLOCK_MILLIS, settings.timeout().toMillis() / 2);
    }

    private void checkOpen() {
        if (closed) {
            throw new ClientClosedException("the Redis backend for " + description + " is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        open.clear();
        connections.close();
    }
}
