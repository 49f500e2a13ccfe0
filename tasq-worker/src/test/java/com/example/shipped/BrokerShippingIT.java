package com.example.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.worker.TestServers;
import io.tasq.worker.TqProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Code shipping through the brokers: a worker started from the tq distribution alone, on Redis and
 * on RabbitMQ, runs this package's jobs, whose classes travel with them, signed, through the broker.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrokerShippingIT {

    private static final String KEY = "broker-shipping-test-key-0123456789";

    static Stream<String> brokers() {
        String name = "ship-" + System.nanoTime();
        return Stream.of(TestServers.redis() + "?name=" + name,
                TestServers.amqp() + "?name=" + name + "&queue-expires=10m");
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void applicationCodeTheWorkerLacksRunsThereThroughTheBroker(String url) throws Exception {
        try (TqProcess worker = TqProcess.start(Map.of("TASQ_SIGN_KEY", KEY), "worker", "--backend", url);
                TasqClient client = Tasq.builder().url(url).setting("sign.key", KEY).client()) {
            worker.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            client.connect();
            int base = 40;
            assertThat(client.schedule(n -> n + base, 2).unwrap(Duration.ofSeconds(60))).isEqualTo(42);
            assertThat(client.schedule(Greetings::greet, "Ada").unwrap(Duration.ofSeconds(60))).isEqualTo("Hello, Ada!");
            assertThat(client.schedule(p -> p.plus(new Point(1, 1)), new Point(1, 2)).unwrap(Duration.ofSeconds(60)))
                    .isEqualTo(new Point(2, 3));
            assertThat(client.submit(new Jobs.Shout("hey")).unwrap(Duration.ofSeconds(60))).isEqualTo("HEY!");
            Object pid = client.schedule(() -> ProcessHandle.current().pid()).unwrap(Duration.ofSeconds(60));
            assertThat(pid).isEqualTo(worker.pid());
            assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
        } finally {
            if (url.startsWith("redis")) {
                TestServers.deleteRedisQueue(url.substring(url.indexOf("name=") + 5));
            }
        }
    }
}
