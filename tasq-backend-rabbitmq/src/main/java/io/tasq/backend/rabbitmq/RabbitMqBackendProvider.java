package io.tasq.backend.rabbitmq;

import com.google.auto.service.AutoService;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendProvider;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.util.Objects;
import java.util.Set;

/**
 * Serves {@code amqp://user:pass@host:port/vhost?name=QUEUE} and {@code amqps://} (TLS) on RabbitMQ.
 * Creating a backend checks the URL and the {@code amqp.*} settings and opens nothing. Stateless and
 * thread-safe.
 */
@AutoService(BackendProvider.class)
public final class RabbitMqBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("amqp", "amqps");
    }

    @Override
    public Backend create(BackendUri uri, Settings settings) {
        Objects.requireNonNull(uri, "uri == null");
        Objects.requireNonNull(settings, "settings == null");
        return new RabbitMqBackend(RabbitMqSettings.from(uri, settings));
    }
}
