package io.tasq.spi;

/**
 * Makes a {@link Serializer}. Found through {@link java.util.ServiceLoader} by {@link #name()};
 * cheap, stateless and thread-safe.
 */
public interface SerializerProvider {

    /** The serializer's name, for example {@code fory}. */
    String name();

    /** A serializer configured by {@code settings}. */
    Serializer create(Settings settings);
}
