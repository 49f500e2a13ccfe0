package io.tasq.backend.rabbitmq;

import com.google.auto.service.AutoService;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendProvider;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Limits;
import io.tasq.spi.SettingInfo;
import io.tasq.spi.Settings;
import java.util.List;
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
    public List<SettingInfo> settings() {
        return List.of(
                new SettingInfo("amqp.result-ttl", "1h", "how long a client's reply queue outlives its last connection"),
                new SettingInfo("amqp.queue-expires", "0", "delete the job queues after unused this long; 0 never"),
                new SettingInfo("amqp.heartbeat", "20s", "AMQP heartbeat; 0 turns it off"),
                new SettingInfo("amqp.connect-timeout", "10s", "how long opening a connection may take"),
                new SettingInfo("amqp.recovery-interval", "2s", "how long to wait between attempts to reconnect"),
                new SettingInfo("amqp.prefetch", "0", "jobs a worker takes ahead; 0 is twice its concurrency"),
                new SettingInfo("amqp.queue-type", "classic", "classic, or quorum for replicated queues"),
                new SettingInfo("amqp.delivery-limit", "20",
                        "quorum queues: deliveries of a job before the broker dead-letters it"),
                new SettingInfo("amqp.dead-letter-max", Integer.toString(Limits.DEFAULT_MAX_DEAD_LETTERS),
                        "dead letters kept; past it the oldest are dropped and counted"));
    }

    @Override
    public Backend create(BackendUri uri, Settings settings) {
        Objects.requireNonNull(uri, "uri == null");
        Objects.requireNonNull(settings, "settings == null");
        return new RabbitMqBackend(RabbitMqSettings.from(uri, settings));
    }
}
