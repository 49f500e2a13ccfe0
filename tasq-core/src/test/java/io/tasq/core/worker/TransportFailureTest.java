package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.testkit.StubBackend;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.ResultMessage;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker whose backend's transport thread dies stops, and says why, instead of idling alive. */
class TransportFailureTest {

    /** A backend whose consumer hands its listener to the test. */
    private static final class Dying extends StubBackend {
        final CompletableFuture<JobListener> listener = new CompletableFuture<>();
        volatile boolean closed;

        Dying() {
            super("dying");
        }

        @Override
        public JobConsumer openConsumer(ConsumerOptions options) {
            return new JobConsumer() {
                @Override
                public String describe() {
                    return "dying://";
                }

                @Override
                public void start(JobListener l) {
                    listener.complete(l);
                }

                @Override
                public void publish(ResultMessage result) {
                }

                @Override
                public void pause() {
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    @Test
    void aDeadTransportStopsTheWorkerWithItsCause() throws Exception {
        Dying backend = new Dying();
        Worker worker = Worker.builder().backend(backend).settings(TestKeys.worker()).concurrency(1).build().start();
        UncheckedIOException cause = new UncheckedIOException(new java.io.IOException("connection reset for good"));
        backend.listener.get(10, TimeUnit.SECONDS).onTransportFailure(cause);
        Thread waiter = new Thread(() -> {
            try {
                worker.awaitTermination();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        waiter.join(Duration.ofSeconds(30).toMillis());
        assertThat(waiter.isAlive()).as("the worker stopped by itself").isFalse();
        assertThat(worker.failure()).contains(cause);
        assertThat(backend.closed).isTrue();
    }
}
