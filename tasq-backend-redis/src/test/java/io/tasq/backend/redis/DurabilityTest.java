package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Redis keeps what is sent: jobs sent before any worker exists (even by a client that is gone by
 * then) wait in the stream, and their results wait for the client, which gets them when it comes
 * back with the same id.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurabilityTest {

    private static final int JOBS = 20;

    private final String url = TestRedis.url(TestRedis.newQueue());
    private final Keys keys = TestRedis.keys(url);

    @AfterEach
    void deleteQueue() {
        TestRedis.deleteQueues(List.of(url));
    }

    @Test
    void jobsSentBeforeAnyWorkerWaitInRedisAndTheirResultsWaitForTheirClientToComeBack() {
        String clientId = "durable-" + TestRedis.newQueue();
        Map<String, String> ids = new HashMap<>();
        Map<String, String> settings = new HashMap<>(TestKeys.client());
        settings.put("client.id", clientId);
        try (TasqClient client = Tasq.builder().url(url).settings(settings).client()) {
            client.connect();
            List<TasqFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                TasqFuture<Integer> f = client.schedule(n -> n * 10, i);
                futures.add(f);
                ids.put(f.jobId(), Integer.toString(i * 10));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> client.pendingJobs().stream().allMatch(p -> p.sent()));
        } // the client goes away before any worker exists

        try (Jedis redis = TestRedis.jedis(url)) {
            assertThat(redis.xlen(Keys.name(keys.jobs()))).isEqualTo(JOBS);
            Worker worker = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(2).build().start();
            try {
                String results = Keys.name(keys.results(clientId));
                await().atMost(Duration.ofSeconds(30)).until(() -> redis.xlen(results) == JOBS);
                assertThat(redis.pttl(results)).isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toMillis());
                assertThat(redis.xlen(Keys.name(keys.jobs()))).isZero();
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }

        // the client comes back with the same id and finds every result
        Serializer fory = Providers.serializer("fory").create(Settings.empty());
        List<ResultEnvelope> results = new CopyOnWriteArrayList<>();
        try (Backend backend = Providers.backend(url, Settings.empty())) {
            backend.openProducer(clientId, body -> results.add(ResultCodec.decode(body, 1 << 20)));
            await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == JOBS);
            Map<String, String> values = new HashMap<>();
            for (ResultEnvelope r : results) {
                assertThat(r.status()).isEqualTo(ResultStatus.OK);
                assertThat(r.replyTo()).isEqualTo(clientId);
                values.put(r.jobId(), String.valueOf(fory.deserialize(r.payload(), getClass().getClassLoader(),
                        ClassFilter.ALLOW_ALL)));
            }
            assertThat(values).isEqualTo(ids);
        }
    }

    @Test
    void workersAndClientsCarryOnWhenRedisLosesTheQueuesData() {
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(1).build().start();
        try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            client.connect();
            assertThat(client.scheduleBlocking(Duration.ofSeconds(20), () -> "before", JobOptions.defaults()))
                    .isEqualTo("before");
            // a server restarted without persistence, or keys deleted by hand: stream and group are gone
            TestRedis.deleteQueues(List.of(url));
            assertThat(client.scheduleBlocking(Duration.ofSeconds(20), () -> "after", JobOptions.defaults()))
                    .isEqualTo("after");
        } finally {
            worker.stop(Duration.ofSeconds(5));
        }
    }
}
