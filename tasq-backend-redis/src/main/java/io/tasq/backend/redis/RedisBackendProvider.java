package io.tasq.backend.redis;

import com.google.auto.service.AutoService;
import io.tasq.ConfigurationException;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendProvider;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.util.Set;

/** Serves the Redis URL schemes. The transport itself is not built yet. */
@AutoService(BackendProvider.class)
public final class RedisBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public Backend create(BackendUri uri, Settings settings) {
        throw new ConfigurationException("the Redis backend is not built yet in this version; use zmq:// for now");
    }
}
