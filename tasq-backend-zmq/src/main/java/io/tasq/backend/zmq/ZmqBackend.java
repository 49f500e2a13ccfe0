package io.tasq.backend.zmq;

import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Credentials;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.ResultListener;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

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
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    /**
     * The keys given last. Each producer, consumer and admin takes those current when it opens: a
     * backend shared by a client and a worker in one process keeps each side's keys.
     */
    private volatile Credentials credentials = Credentials.none();

    ZmqBackend(ZmqSettings settings, String description) {
        this.settings = settings;
        this.description = description;
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
        ZmqProducer p = new ZmqProducer(settings, clientId, listener, credentials);
        open.add(p);
        return p;
    }

    @Override
    public JobConsumer openConsumer(ConsumerOptions options) {
        ZmqConsumer c = new ZmqConsumer(settings, options, credentials);
        open.add(c);
        return c;
    }

    private ZmqAdmin admin;

    private synchronized ZmqAdmin adminClient() {
        if (admin == null) {
            admin = new ZmqAdmin(settings, () -> credentials);
            open.add(admin);
        }
        return admin;
    }

    @Override
    public java.util.Optional<io.tasq.spi.DeadLetters> deadLetters() {
        return java.util.Optional.of(adminClient());
    }

    @Override
    public java.util.Optional<io.tasq.spi.QueueAdmin> admin() {
        return java.util.Optional.of(adminClient());
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        open.clear();
        synchronized (this) {
            admin = null;
        }
    }
}
