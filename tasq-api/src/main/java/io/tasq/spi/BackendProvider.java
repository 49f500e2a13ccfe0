package io.tasq.spi;

import java.util.List;
import java.util.Set;

/**
 * Makes {@link Backend}s for the URL schemes it knows. Found through {@link java.util.ServiceLoader}
 * by scheme; exactly one provider may claim a scheme.
 *
 * <p>Implementations are cheap to instantiate, stateless and thread-safe: creating a provider opens
 * nothing.
 */
public interface BackendProvider {

    /** The URL schemes this provider serves, in lower case, for example {@code redis} and {@code rediss}. */
    Set<String> schemes();

    /**
     * A backend for {@code uri}. Opens no connection: that happens when a producer or consumer is
     * opened.
     *
     * @throws io.tasq.ConfigurationException if the URL or a setting is wrong, naming which
     */
    Backend create(BackendUri uri, Settings settings);

    /** The settings this backend understands (all under one prefix, such as {@code redis.}), for listings. */
    default List<SettingInfo> settings() {
        return List.of();
    }
}
