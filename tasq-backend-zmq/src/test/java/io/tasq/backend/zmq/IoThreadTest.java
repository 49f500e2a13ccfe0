package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Delivery;
import io.tasq.spi.JobListener;
import io.tasq.spi.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The worker's IO thread survives whatever one message does; if it dies all the same, the worker hears of it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoThreadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A listener that fails on the jobs whose body says so, and answers the others. */
    private static final class Failing implements JobListener {
        final List<String> taken = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public void onJob(Delivery d) {
            String body = new String(d.body(), StandardCharsets.UTF_8);
            taken.add(body);
            if (body.contains("throw-runtime")) {
                throw new IllegalStateException("a bug on one message");
            }
            if (body.contains("throw-error")) {
                throw new StackOverflowError("the IO thread cannot go on");
            }
            d.complete(new ResultMessage("c", body, d.body()));
        }

        @Override
        public void onTransportFailure(Throwable cause) {
            failures.add(cause);
        }
    }

    private static void send(int port, String... bodies) {
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket push = RawPeer.push(ctx, port);
            push.setLinger(30_000); // closing waits until they went
            for (String b : bodies) {
                push.send(Frames.job(Frames.utf8(b), 1, Frames.utf8("c"), Frames.utf8(b)), 0);
            }
        }
    }

    @Test
    void aFailureOnOneMessageCostsThatMessageOnly() {
        Failing listener = new Failing();
        try (EchoWorker worker = new EchoWorker(Map.of()).start(listener)) {
            send(worker.port, "one throw-runtime", "two", "three throw-runtime", "four");
            await().atMost(WAIT).until(() -> listener.taken.size() == 4);
            assertThat(listener.failures).isEmpty();
        }
        assertThat(listener.failures).as("closing is no failure").isEmpty();
    }

    @Test
    void aDeadIoThreadIsReportedOnceToTheListener() {
        Failing listener = new Failing();
        try (EchoWorker worker = new EchoWorker(Map.of()).start(listener)) {
            send(worker.port, "one", "two throw-error", "three");
            await().atMost(WAIT).until(() -> !listener.failures.isEmpty());
            assertThat(listener.failures).singleElement().isInstanceOf(StackOverflowError.class);
            await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("tasq-zmq-worker-" + worker.port)));
        }
        assertThat(listener.failures).hasSize(1);
    }
}
