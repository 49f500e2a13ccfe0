package io.tasq.spi;

/**
 * Decides which classes a serializer may instantiate while reading, by fully qualified name. A
 * serializer asks before it loads a class, so a refused class never runs any code.
 *
 * <p>Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface ClassFilter {

    /** Allows everything; for trusted input only. */
    ClassFilter ALLOW_ALL = className -> true;

    /** Whether a class of this name may be read. */
    boolean allows(String className);
}
