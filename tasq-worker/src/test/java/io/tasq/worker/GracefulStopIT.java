package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM to a real {@code tq worker} with jobs in flight, on each backend: it takes no new job,
 * lets a job that ends within {@code --shutdown-timeout} finish, interrupts the one that does not
 * and hands it back (to the broker on Redis and RabbitMQ, to its client on ZMQ), and exits 0; the
 * next worker runs what was handed back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GracefulStopIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**");

    private static String url(String backend) {
        String name = "grace-" + UUID.randomUUID().toString().substring(0, 8);
        return switch (backend) {
            case "zmq" -> "zmq://127.0.0.1:" + Ports.freePair();
            case "redis" -> TestServers.redis() + "?name=" + name;
            case "amqp" -> TestServers.amqp() + "?name=" + name + "&queue-expires=10m&result-ttl=10m";
            default -> throw new IllegalArgumentException(backend);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"zmq", "redis", "amqp"})
    void sigtermFinishesWhatEndsInTimeHandsBackTheRestAndExitsZero(String backend, @TempDir Path dir)
            throws Exception {
        String url = url(backend);
        try (TqProcess first = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--workers", "2",
                "--shutdown-timeout", "3s");
                TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            first.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            client.connect();
            // the code is shipped and defined once, before the jobs whose timing counts
            assertThat(client.schedule(Sleepy::sleepAndTell, 0).unwrap(Duration.ofSeconds(60))).endsWith(":0");
            String marks = dir.toString();
            TasqFuture<String> quick = client.schedule(Sleepy::markThenSleep, marks, 500);
            TasqFuture<String> slow = client.schedule(Sleepy::markThenSleep, marks, 5_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("started-500"))
                    && Files.exists(dir.resolve("started-5000")));

            first.signal("TERM");
            first.awaitLine("stopping: no new jobs", Duration.ofSeconds(30));
            assertThat(first.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(first.output()).contains("interrupting them and handing them back").contains("stopped (");
            // the quick one finished within the grace period, on the first worker
            assertThat(quick.unwrap(Duration.ofSeconds(10))).isEqualTo(first.pid() + ":500");
            assertThat(slow).isNotDone();

            try (TqProcess second = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url)) {
                second.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
                assertThat(slow.unwrap(Duration.ofSeconds(60))).isEqualTo(second.pid() + ":5000");
                assertThat(slow.result()).hasValueSatisfying(r -> assertThat(r.attempt()).isGreaterThanOrEqualTo(2));
                assertThat(second.terminate(Duration.ofSeconds(30))).isZero();
            }
        }
    }
}
