package io.tasq.core.testkit;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A value whose deserialization runs code: {@code readResolve} counts in {@link #SPRUNG}. A job
 * carrying one shows whether a worker deserialized it.
 */
public final class Trap implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How many times a Trap was deserialized in this JVM. */
    public static final AtomicInteger SPRUNG = new AtomicInteger();

    /** The marker it carries. */
    public final String marker;

    public Trap(String marker) {
        this.marker = marker;
    }

    private Object readResolve() {
        SPRUNG.incrementAndGet();
        return this;
    }
}
