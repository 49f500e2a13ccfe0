package io.tasq.spi;

/**
 * Turns jobs, arguments and results into bytes and back.
 *
 * <p>Implementations are thread-safe.
 */
public interface Serializer {

    /** The name it is configured and recorded in envelopes by, for example {@code fory}. */
    String name();

    /**
     * Writes a value.
     *
     * @throws io.tasq.SerializationException if the value, or something it holds, cannot be written
     */
    byte[] serialize(Object value);

    /**
     * Writes a value whose classes may come from {@code loader} (a code bundle's), keeping whatever
     * the serializer caches about them apart, so that {@link #forget(ClassLoader)} can release the
     * loader. By default the same as {@link #serialize(Object)}.
     */
    default byte[] serialize(Object value, ClassLoader loader) {
        return serialize(value);
    }

    /**
     * Reads a value, loading classes through {@code loader} and only those {@code filter} allows.
     *
     * @throws io.tasq.SerializationException if the bytes are not a value, a class is missing, or a
     *     class is refused by the filter (the message names the class)
     */
    Object deserialize(byte[] bytes, ClassLoader loader, ClassFilter filter);

    /**
     * Drops whatever this serializer keeps for {@code loader}, once the loader is no longer used (a
     * code bundle that was evicted), so that the loader can be collected.
     */
    default void forget(ClassLoader loader) {
    }
}
