package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Connection;
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
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The RabbitMQ backend: a durable job queue per Tasq queue, persistent messages with publisher
 * confirms, acknowledgement after the job ran, a durable reply queue per client, delayed jobs held
 * by the broker in TTL queues, retries waiting there too, refused, failed and poison jobs in a
 * dead-letter queue, unique-job locks held by one worker at a time. See {@link Topology} for the
 * queues. Each producer opens two connections (jobs out, results in) and each consumer one; all
 * reconnect by themselves.
 *
 * <p>Thread-safe.
 */
final class RabbitMqBackend implements Backend {

    private final RabbitMqSettings settings;
    private final Topology topology;
    private final OpenResources open;
    private final Features features;

    RabbitMqBackend(RabbitMqSettings settings) {
        this.settings = settings;
        this.topology = new Topology(settings);
        this.open = new OpenResources("the RabbitMQ backend for " + settings);
        this.features = new Features()
                // each opens its own connection when first asked for; the admin shares a worker's where one is open
                .offer(DeadLetters.class, () -> open.shared(RabbitMqDeadLetters.class,
                        () -> new RabbitMqDeadLetters(settings, topology)))
                .offer(QueueAdmin.class, () -> open.shared(RabbitMqAdmin.class, () -> new RabbitMqAdmin(settings,
                        topology, () -> open.all(RabbitMqConsumer.class).map(RabbitMqConsumer::connection)
                                .filter(Connection::isOpen).findFirst().orElse(null))));
    }

    @Override
    public String queue() {
        return settings.name();
    }

    @Override
    public String describe() {
        return settings.toString();
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
        return open.add(new RabbitMqProducer(settings, topology, clientId, listener));
    }

    @Override
    public JobConsumer openConsumer(ConsumerOptions options) {
        Objects.requireNonNull(options, "options == null");
        open.checkOpen();
        return open.add(new RabbitMqConsumer(settings, topology, options));
    }

    /** The queue's dead letters ({@link DeadLetters}) and its live workers and depth ({@link QueueAdmin}). */
    @Override
    public <F> Optional<F> feature(Class<F> type) {
        return features.get(type);
    }

    @Override
    public void close() {
        open.close();
    }
}
