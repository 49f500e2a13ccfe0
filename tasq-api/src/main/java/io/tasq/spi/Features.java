package io.tasq.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The optional features one backend object offers, for its {@code feature(Class)} method: each is
 * registered with its type and made (or opened) only when first asked for.
 *
 * <pre>{@code
 * private final Features features = new Features()
 *         .offer(DeadLetters.class, this::deadLetters)
 *         .offer(QueueAdmin.class, this::admin);
 *
 * public <F> Optional<F> feature(Class<F> type) {
 *     return features.get(type);
 * }
 * }</pre>
 *
 * Thread-safe once built; the suppliers must be thread-safe themselves.
 */
public final class Features {

    private final Map<Class<?>, Supplier<?>> offered = new LinkedHashMap<>();

    /**
     * Offers the feature {@code type}, made by {@code supplier} whenever it is asked for (which may
     * return the same object each time).
     *
     * @return this
     */
    public <F> Features offer(Class<F> type, Supplier<? extends F> supplier) {
        offered.put(Objects.requireNonNull(type, "type == null"), Objects.requireNonNull(supplier, "supplier == null"));
        return this;
    }

    /** The feature {@code type}, if offered. */
    public <F> Optional<F> get(Class<F> type) {
        Supplier<?> s = offered.get(type);
        return s == null ? Optional.empty() : Optional.of(type.cast(s.get()));
    }
}
