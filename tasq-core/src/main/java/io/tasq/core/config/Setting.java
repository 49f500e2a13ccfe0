package io.tasq.core.config;

import java.util.Locale;

/**
 * One setting the runtime knows: its key, the environment variable that sets it, its default, and
 * what it does. The list is in {@link Config#KNOWN}.
 *
 * @param key the key, for example {@code worker.concurrency}
 * @param defaultValue the default as text, {@code null} when there is none
 * @param description one line for {@code tq config --show}
 */
public record Setting(String key, String defaultValue, String description) {

    /** The environment variable for this setting: {@code TASQ_} and the key in upper case, {@code _} for {@code .} and {@code -}. */
    public String envVar() {
        return envVarOf(key);
    }

    /** The environment variable for any key. */
    public static String envVarOf(String key) {
        return "TASQ_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
