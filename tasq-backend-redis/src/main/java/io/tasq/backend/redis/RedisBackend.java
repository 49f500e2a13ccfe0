package io.tasq.backend.redis;

import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Features;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OpenResources;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.ResultListener;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
    private final OpenResources open;
    private final Features features;

    RedisBackend(RedisSettings settings, String description, Clock clock) {
        this.settings = settings;
        this.description = description;
        this.clock = clock;
        this.keys = new Keys(settings.queue());
        this.connections = new RedisConnections(settings, description);
        this.admin = new RedisAdmin(connections, keys, clock);
        this.deadLetters = new RedisDeadLetters(connections, keys);
        this.open = new OpenResources("the Redis backend for " + description);
        // both read the queue on the backend's pooled connections: nothing is opened before the first call
        this.features = new Features().offer(QueueAdmin.class, () -> admin).offer(DeadLetters.class, () -> deadLetters);
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
                BackendCapability.RESULT_RETENTION);
    }

    @Override
    public JobProducer openProducer(String clientId, ResultListener listener) {
        Objects.requireNonNull(clientId, "clientId == null");
        Objects.requireNonNull(listener, "listener == null");
        open.checkOpen();
        return open.add(new RedisProducer(connections, keys, clientId, listener, clock, blockMillis()));
    }

    @Override
    public JobConsumer openConsumer(ConsumerOptions options) {
        Objects.requireNonNull(options, "options == null");
        open.checkOpen();
        return open.add(new RedisConsumer(connections, keys, settings, options, clock, blockMillis()));
    }

    /** The queue's live workers and depth ({@link QueueAdmin}) and its dead letters ({@link DeadLetters}). */
    @Override
    public <F> Optional<F> feature(Class<F> type) {
        return features.get(type);
    }

    private long blockMillis() {
        return Math.min(BLOCK_MILLIS, settings.timeout().toMillis() / 2);
    }

    @Override
    public void close() {
        open.close();
        connections.close();
    }
}
