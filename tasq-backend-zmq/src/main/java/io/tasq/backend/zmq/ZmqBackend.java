package io.tasq.backend.zmq;

import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Credentials;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OpenResources;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.ResultListener;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The brokerless backend on JeroMQ: a worker binds two ports, clients connect to them. Jobs go
 * PUSH to PULL; results come back ROUTER to DEALER, only to a DEALER that proved it holds a key the
 * worker trusts ({@link Handshake}, with the {@link Credentials} the runtime hands over). Nothing is kept by a
 * server: a client holds its jobs until a worker takes them and sends them again if that worker
 * restarts; a worker holds delayed jobs, and results for clients that are away, in memory.
 *
 * <p>Thread-safe.
 */
final class ZmqBackend implements Backend {

    private final ZmqSettings settings;
    private final String description;
    private final OpenResources open;
    /**
     * The keys given last. Each producer, consumer and admin takes those current when it opens: a
     * backend shared by a client and a worker in one process keeps each side's keys.
     */
    private volatile Credentials credentials = Credentials.none();

    ZmqBackend(ZmqSettings settings, String description) {
        this.settings = settings;
        this.description = description;
        this.open = new OpenResources("the ZMQ backend for " + description);
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
    public void useCredentials(Credentials credentials) {
        this.credentials = java.util.Objects.requireNonNull(credentials, "credentials == null");
    }

    @Override
    public Set<BackendCapability> capabilities() {
        return EnumSet.of(BackendCapability.REDELIVERY, BackendCapability.RESULT_RETENTION);
    }

    @Override
    public JobProducer openProducer(String clientId, ResultListener listener) {
        open.checkOpen(); // before any socket is made
        return open.add(new ZmqProducer(settings, clientId, listener, credentials));
    }

    @Override
    public JobConsumer openConsumer(ConsumerOptions options) {
        open.checkOpen(); // before any port is bound
        return open.add(new ZmqConsumer(settings, options, credentials));
    }

    /**
     * The workers' dead letters ({@link DeadLetters}) and the live workers ({@link QueueAdmin}), both
     * asked of the workers by one operator client, opened when first used with the keys current then.
     */
    @Override
    public <F> Optional<F> feature(Class<F> type) {
        if (type != DeadLetters.class && type != QueueAdmin.class) {
            return Optional.empty();
        }
        return Optional.of(type.cast(open.shared(ZmqAdmin.class, () -> new ZmqAdmin(settings, () -> credentials))));
    }

    @Override
    public void close() {
        open.close();
    }
}
