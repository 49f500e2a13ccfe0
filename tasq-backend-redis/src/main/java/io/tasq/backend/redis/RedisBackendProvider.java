package io.tasq.backend.redis;

import com.google.auto.service.AutoService;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendProvider;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Serves {@code redis://[user:password@]host[:port][/db][?name=QUEUE]} and {@code rediss://} (TLS):
 * a durable queue on Redis 6.2 or newer, with the {@code redis.*} settings described in the module's
 * README; and {@code redis-cluster://host:port,host:port,...?name=QUEUE} ({@code rediss-cluster://}
 * over TLS): the same queue on the master of a Redis Cluster that serves the queue's hash slot.
 * Stateless and thread-safe; creating a backend opens no connection.
 */
@AutoService(BackendProvider.class)
public final class RedisBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return RedisSettings.SCHEMES;
    }

    @Override
    public Backend create(BackendUri uri, Settings settings) {
        Objects.requireNonNull(uri, "uri == null");
        Objects.requireNonNull(settings, "settings == null");
        return new RedisBackend(RedisSettings.from(uri, settings), uri.toString(), Clock.systemUTC());
    }
}
