package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Connection;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.ResultListener;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

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
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private RabbitMqAdmin admin;

    RabbitMqBackend(RabbitMqSettings settings) {
        this.settings = settings;
        this.topology = new Topology(settings);
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
                BackendCapability.RESULT_RETENTION, BackendCapability.DURABLE_SCHEDULES);
    }

    @Override
    public JobProducer openProducer(String clientId, ResultListener listener) {
        Objects.requireNonNull(clientId, "clientId == null");
        Objects.requireNonNull(listener, "listener == null");
        RabbitMqProducer p = new RabbitMqProducer(settings, topology, clientId, listener);
        open.add(p);
        return p;
    }

    @Override
    public JobConsumer openConsumer(ConsumerOptions options) {
        Objects.requireNonNull(options, "options == null");
        RabbitMqConsumer c = new RabbitMqConsumer(settings, topology, options);
        open.add(c);
        return c;
    }

    private RabbitMqDeadLetters deadLetters;

    /** Opens its own connection when first asked for. */
    @Override
    public synchronized java.util.Optional<io.tasq.spi.DeadLetters> deadLetters() {
        if (deadLetters == null) {
            deadLetters = new RabbitMqDeadLetters(settings, topology);
            open.add(deadLetters);
        }
        return java.util.Optional.of(deadLetters);
    }

    @Override
    public synchronized java.util.Optional<io.tasq.spi.QueueAdmin> admin() {
        if (admin == null) {
            admin = new RabbitMqAdmin(settings, topology, () -> open.stream()
                    .filter(RabbitMqConsumer.class::isInstance).map(c -> ((RabbitMqConsumer) c).connection())
                    .filter(Connection::isOpen).findFirst().orElse(null));
            open.add(admin);
        }
        return java.util.Optional.of(admin);
    }

    @Override
    public void close() {
        synchronized (this) {
            deadLetters = null;
        }
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        open.clear();
    }
}
