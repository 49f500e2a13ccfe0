package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Redis killed (SIGKILL) and restarted in the middle of a run: clients and workers reconnect by
 * themselves, and every job is accounted for. On a private server, never the shared one.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RedisRestartTest {

    private static final int JOBS = 3_000;

    @TempDir
    Path dir;

    @Test
    void everyJobCompletesOnceForItsClientThroughARestartUnderLoad() throws Exception {
        // appendfsync always: with everysec a killed Redis may lose up to ~2 s of writes it acknowledged (when a
        // slow fsync postpones its AOF write), and no client can keep a job the server said it had
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), "--appendfsync", "always")) {
            String url = server.url("restart");
            var workerSettings = TestKeys.worker().with("redis.visibility-timeout", "2s", "test");
            Worker a = Worker.builder().backend(url).settings(workerSettings).concurrency(3).build().start();
            Worker b = Worker.builder().backend(url).settings(workerSettings).concurrency(3).build().start();
            try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
                client.connect();
                List<TasqFuture<Integer>> futures = new ArrayList<>(JOBS);
                for (int i = 0; i < JOBS / 2; i++) {
                    futures.add(client.schedule(n -> {
                        LockSupport.parkNanos(200_000); // keep jobs in flight when the server goes
                        return n * 2;
                    }, i));
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> futures.stream().filter(CompletableFuture::isDone).count() >= JOBS / 10);

                server.kill();
                // submitted while the server is away: the client keeps them and sends them when it is back
                for (int i = JOBS / 2; i < JOBS; i++) {
                    futures.add(client.schedule(n -> n * 2, i));
                }
                server.start();

                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(futures.stream()
                        .filter(f -> !f.isDone()).count()).as("jobs without a result").isZero());
                for (int i = 0; i < JOBS; i++) {
                    assertThat(futures.get(i).join()).as("job %d", i).isEqualTo(i * 2);
                }
                assertThat(client.pendingJobs()).isEmpty();
                // a job may have run twice (redelivered after the restart), never zero times
                assertThat(a.stats().succeeded() + b.stats().succeeded()).isGreaterThanOrEqualTo(JOBS);
                Keys keys = TestRedis.keys(url);
                try (Jedis j = TestRedis.jedis(url)) {
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertThat(j.xlen(keys.jobs())).as("entries left in the stream").isZero();
                        assertThat(j.xpending(Keys.name(keys.jobs()), Keys.GROUP).getTotal()).as("pending").isZero();
                    });
                }
            } finally {
                a.stop(Duration.ofSeconds(5));
                b.stop(Duration.ofSeconds(5));
            }
        }
    }
}
