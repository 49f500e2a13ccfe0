package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A worker whose IO thread dies is told, once, so that it stops rather than staying up with no consumer. */
class TransportFailureTest extends BrokerTestSupport {

    private static JobListener listener(List<Throwable> failures) {
        return new JobListener() {
            @Override
            public void onJob(Delivery delivery) {
                delivery.ack();
            }

            @Override
            public void onTransportFailure(Throwable cause) {
                failures.add(cause);
            }
        };
    }

    private static Thread ioThread(String workerId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("tasq-amqp-worker-" + workerId)).findFirst().orElseThrow();
    }

    @Test
    void anIoThreadThatDiesTellsTheListenerOnceAndAClosedConsumerDoesNot() throws Exception {
        String url = newQueueUrl();
        Backend backend = rawBackend(url);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        JobConsumer doomed = closeLater(backend.openConsumer(new ConsumerOptions("doomed", 2)));
        doomed.start(listener(failures));
        Thread io = ioThread("doomed");
        io.interrupt(); // as good as any cause: the thread ends without having been asked to
        await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
        io.join(10_000);
        assertThat(io.isAlive()).isFalse();
        assertThat(failures).singleElement().isInstanceOf(InterruptedException.class);

        List<Throwable> none = new CopyOnWriteArrayList<>();
        JobConsumer closed = backend.openConsumer(new ConsumerOptions("closed", 2));
        closed.start(listener(none));
        Thread other = ioThread("closed");
        closed.close();
        other.join(10_000);
        assertThat(other.isAlive()).isFalse();
        assertThat(none).isEmpty();
    }
}
