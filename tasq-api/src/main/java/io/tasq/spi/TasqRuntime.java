package io.tasq.spi;

import io.tasq.TasqClient;

/**
 * The runtime behind {@link io.tasq.Tasq}: makes clients. Implemented by {@code tasq-core} and found
 * through {@link java.util.ServiceLoader}; exactly one must be on the classpath.
 *
 * <p>Implementations are thread-safe and hold no per-client state.
 */
public interface TasqRuntime {

    /** A new, unconnected client for the spec. */
    TasqClient newClient(ClientSpec spec);
}
