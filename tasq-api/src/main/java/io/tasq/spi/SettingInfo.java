package io.tasq.spi;

import java.util.Objects;

/**
 * A setting the runtime or a provider understands, for listings ({@code tq config --show}) and for mapping
 * environment variables ({@code redis.result-ttl} is {@code TASQ_REDIS_RESULT_TTL}).
 *
 * @param key the key, under the provider's prefix, for example {@code zmq.heartbeat}
 * @param defaultValue the default as text, or {@code null} when there is none
 * @param description one line saying what it does
 */
public record SettingInfo(String key, String defaultValue, String description) {

    /** Checks that key and description are present. */
    public SettingInfo {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(description, "description == null");
    }

    /**
     * The environment variable that sets it: {@code TASQ_} and the key in upper case, {@code _} for
     * {@code .} and {@code -}.
     */
    public String envVar() {
        return envVarOf(key);
    }

    /** The environment variable for any key, as {@link #envVar()} makes it. */
    public static String envVarOf(String key) {
        return "TASQ_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
