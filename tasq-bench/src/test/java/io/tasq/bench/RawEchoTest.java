package io.tasq.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each raw echo against its real transport (a JeroMQ pair on loopback, the local Redis and
 * RabbitMQ): every message two clients send comes back, to its own sender, exactly once.
 */
class RawEchoTest {

    private static final int PER_CLIENT = 200;

    @ParameterizedTest
    @ValueSource(strings = {"zmq", "redis", "amqp"})
    void everyMessageComesBackToItsSenderOnce(String scheme) throws Exception {
        String url = switch (scheme) {
            case "zmq" -> "zmq://127.0.0.1:9000";
            case "redis" -> env("TASQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");
            default -> env("TASQ_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f");
        };
        List<Set<Long>> answered = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
        AtomicInteger repeatsOrFailures = new AtomicInteger();
        try (BenchTarget echo = RawEcho.open(url, 2)) {
            List<BenchTarget.Lane> lanes = new ArrayList<>();
            for (int client = 0; client < 2; client++) {
                Set<Long> mine = answered.get(client);
                lanes.add(echo.open(client, (start, ok) -> {
                    if (!ok || !mine.add(start)) {
                        repeatsOrFailures.incrementAndGet();
                    }
                }));
            }
            for (long i = 0; i < PER_CLIENT; i++) {
                // client 0 sends the even "start times", client 1 the odd ones
                lanes.get(0).send(new byte[] {1, 2, 3}, 2 * i);
                lanes.get(1).send(new byte[0], 2 * i + 1);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> answered.get(0).size() + answered.get(1).size()
                    == 2 * PER_CLIENT);
        }
        assertThat(answered.get(0)).hasSize(PER_CLIENT).allMatch(start -> start % 2 == 0);
        assertThat(answered.get(1)).hasSize(PER_CLIENT).allMatch(start -> start % 2 == 1);
        assertThat(repeatsOrFailures).hasValue(0);
    }

    @Test
    void aSchemeWithNoEchoIsRefusedWithTheOnesThereAre() {
        assertThatThrownBy(() -> RawEcho.open("nats://127.0.0.1:4222", 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--raw knows zmq://, redis:// and amqp:// URLs, not nats://");
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v.strip();
    }
}
