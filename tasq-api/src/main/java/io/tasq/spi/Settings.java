package io.tasq.spi;

import io.tasq.ConfigurationException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings as key/value strings, each remembering where it came from (a file, an environment
 * variable, a flag, a URL), so that an error can name both the key and its source.
 *
 * <p>Immutable and thread-safe; {@link #with} returns a new instance.
 */
public final class Settings {

    private static final Settings EMPTY = new Settings(Map.of());

    private final Map<String, Entry> entries;

    private record Entry(String value, String source) {
    }

    private Settings(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** No settings. */
    public static Settings empty() {
        return EMPTY;
    }

    /** Settings from one source, for example {@code "flag"} or {@code "file conf.json"}. */
    public static Settings of(Map<String, String> values, String source) {
        return EMPTY.with(values, source);
    }

    /** These settings with {@code values} from {@code source} laid over them. */
    public Settings with(Map<String, String> values, String source) {
        Objects.requireNonNull(values, "values == null");
        Objects.requireNonNull(source, "source == null");
        if (values.isEmpty()) {
            return this;
        }
        Map<String, Entry> copy = new LinkedHashMap<>(entries);
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key == null"),
                new Entry(Objects.requireNonNull(v, () -> "value of " + k + " == null"), source)));
        return new Settings(Collections.unmodifiableMap(copy));
    }

    /** These settings with one more value from {@code source}. */
    public Settings with(String key, String value, String source) {
        return with(Map.of(key, value), source);
    }

    /** These settings laid over by {@code other}'s, keeping their sources. */
    public Settings with(Settings other) {
        if (other.entries.isEmpty()) {
            return this;
        }
        Map<String, Entry> copy = new LinkedHashMap<>(entries);
        copy.putAll(other.entries);
        return new Settings(Collections.unmodifiableMap(copy));
    }

    /** The keys set, in the order they were first set. */
    public Set<String> keys() {
        return entries.keySet();
    }

    /** Whether {@code key} is set. */
    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Where {@code key}'s value came from, or {@code "default"} when it is not set. */
    public String sourceOf(String key) {
        Entry e = entries.get(key);
        return e == null ? "default" : e.source();
    }

    /** The value of {@code key}, if set. */
    public Optional<String> get(String key) {
        Entry e = entries.get(key);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    /** The value of {@code key}, or {@code fallback}. */
    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** The value of {@code key} as an int within {@code [min, max]}, or {@code fallback}. */
    public int getInt(String key, int fallback, int min, int max) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v.get().strip());
        } catch (NumberFormatException e) {
            throw bad(key, v.get(), "is not a whole number");
        }
        if (n < min || n > max) {
            throw bad(key, v.get(), "is out of range; use " + min + " to " + max);
        }
        return n;
    }

    /** The value of {@code key} as a boolean ({@code true/false/yes/no/1/0}), or {@code fallback}. */
    public boolean getBoolean(String key, boolean fallback) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw bad(key, v.get(), "is not a boolean; use true or false");
        };
    }

    /** The value of {@code key} as a positive or zero duration (see {@link Durations}), or {@code fallback}. */
    public Duration getDuration(String key, Duration fallback) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        Duration d = Durations.tryParse(v.get())
                .orElseThrow(() -> bad(key, v.get(), "is not a duration; use " + Durations.FORMS));
        if (d.isNegative()) {
            throw bad(key, v.get(), "is negative");
        }
        return d;
    }

    /** An error that names the key, its value and its source. */
    public ConfigurationException bad(String key, String value, String problem) {
        return new ConfigurationException("setting '" + key + "' (from " + sourceOf(key) + "): '" + value + "' "
                + problem);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Settings{");
        entries.forEach((k, e) -> sb.append(k).append('=')
                .append(Secrets.isSecret(k) ? "****" : e.value()).append(" (").append(e.source()).append("), "));
        if (!entries.isEmpty()) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }
}
