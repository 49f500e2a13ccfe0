package io.tasq.core.client;

import io.tasq.core.testkit.StubBackend;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.ResultListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Takes every job and answers none: how a worker that refuses what it cannot verify, or no worker
 * at all, looks from the client.
 */
final class SilentBackend extends StubBackend {

    SilentBackend() {
        super("silent");
    }

    @Override
    public JobProducer openProducer(String clientId, ResultListener listener) {
        return new JobProducer() {
            @Override
            public CompletionStage<Void> send(OutboundJob job) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
            }
        };
    }
}
