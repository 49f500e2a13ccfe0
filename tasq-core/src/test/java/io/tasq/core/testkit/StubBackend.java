package io.tasq.core.testkit;

import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.ResultListener;
import java.util.Set;

/**
 * A backend that opens nothing, for tests of the runtime that need one side of a transport: a
 * subclass overrides the producer or the consumer it plays. Queue {@code default}, no capabilities.
 */
public abstract class StubBackend implements Backend {

    private final String name;

    protected StubBackend(String name) {
        this.name = name;
    }

    @Override
    public String queue() {
        return "default";
    }

    @Override
    public String describe() {
        return name + "://";
    }

    @Override
    public Set<BackendCapability> capabilities() {
        return Set.of();
    }

    @Override
    public JobProducer openProducer(String clientId, ResultListener listener) {
        throw new UnsupportedOperationException(name + " has no client side");
    }

    @Override
    public JobConsumer openConsumer(ConsumerOptions options) {
        throw new UnsupportedOperationException(name + " has no worker side");
    }

    @Override
    public void close() {
    }
}
