package io.tasq.spi;

import java.util.Objects;

/**
 * How a worker consumes.
 *
 * @param workerId the worker's id, unique among the workers of a queue
 * @param prefetch the most deliveries the worker holds unsettled at once; at least 1
 */
public record ConsumerOptions(String workerId, int prefetch) {

    /** Checks the values. */
    public ConsumerOptions {
        Objects.requireNonNull(workerId, "workerId == null");
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
        }
    }
}
