package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.BackendUnavailableException;
import io.tasq.JobOptions;
import io.tasq.RecurringJob;
import io.tasq.RunResult;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Recurring;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repeating jobs through a Redis killed (SIGKILL) and restarted: the store waits for it where it
 * must and stays quiet where it can, and the runs go on once it is back. On a private server with
 * {@code appendfsync always}, never the shared one.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ScheduleRestartTest {

    @TempDir
    Path dir;

    private static Recurring job(String name, String jobId) {
        return new Recurring(name, jobId, "client-a", jobId.getBytes(StandardCharsets.UTF_8), 1_000, 0);
    }

    @Test
    void withRedisAwayARegistrationWaitsForItDueAnswersNothingAndFiringFails() {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), "--appendfsync", "always")) {
            String url = server.url("store");
            Keys keys = TestRedis.keys(url);
            try (RedisConnections connections = new RedisConnections(TestRedis.settings(url), url)) {
                RedisScheduleStore store = new RedisScheduleStore(connections, keys, TestRedis.settings(url), "w");
                store.add(job("kept", "job-1"));
                Recurring seen = store.due(1_000, 10).get(0);

                server.kill();
                assertThat(store.due(1_000, 10)).isEmpty();
                assertThatThrownBy(() -> store.fire(seen, 2_000)).isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("127.0.0.1:" + server.port());
                CompletableFuture<Void> registration = CompletableFuture.runAsync(() -> store.add(job("new", "job-2")));
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> !registration.isDone());

                server.start();
                registration.orTimeout(20, TimeUnit.SECONDS).join();
                await().atMost(Duration.ofSeconds(10)).until(() -> store.due(1_000, 10).size() == 2);
                assertThat(store.fire(store.due(1_000, 10).get(0), 2_000)).isTrue();

                // a worker that closes stops waiting
                server.kill();
                CompletableFuture<Void> late = CompletableFuture.runAsync(() -> store.add(job("late", "job-3")));
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !late.isDone());
                store.close();
                assertThatThrownBy(() -> late.orTimeout(10, TimeUnit.SECONDS).join())
                        .hasCauseInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("register repeating job late");
            }
        }
    }

    @Test
    void aRepeatingJobGoesOnAfterRedisIsKilledAndRestarted() {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), "--appendfsync", "always")) {
            String url = server.url("restart");
            Worker worker = Worker.builder().backend(url)
                    .settings(TestKeys.worker().with("redis.visibility-timeout", "2s", "test")).concurrency(1).build()
                    .start();
            try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client();
                    RedisConnections connections = new RedisConnections(TestRedis.settings(url), url);
                    RedisScheduleStore store = new RedisScheduleStore(connections, TestRedis.keys(url),
                            TestRedis.settings(url), "test")) {
                client.connect();
                RecurringJob<String> job = client.schedule(() -> "tick", JobOptions.named("survivor").every("300ms"))
                        .recurring().orElseThrow();
                List<RunResult<String>> runs = new CopyOnWriteArrayList<>();
                job.onRun(runs::add);
                await().atMost(Duration.ofSeconds(20)).until(() -> runs.size() >= 2);

                server.kill();
                // several ticks of the worker's scheduler go by with Redis away: nothing fires, nothing throws
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                        .until(() -> store.due(Long.MAX_VALUE, 10).isEmpty());
                long before = runs.stream().mapToLong(RunResult::run).max().orElseThrow();
                server.start();

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> runs.stream().filter(r -> r.run() > before).count() >= 3);
                assertThat(store.list()).singleElement().satisfies(r -> {
                    assertThat(r.name()).isEqualTo("survivor");
                    assertThat(r.lastRun()).isGreaterThan(before);
                });
                assertThat(client.cancelRecurring("survivor").unwrap(Duration.ofSeconds(20))).isTrue();
                assertThat(store.list()).isEmpty();
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }
    }
}
