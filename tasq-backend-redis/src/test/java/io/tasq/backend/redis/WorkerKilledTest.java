package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.testkit.WorkerProcess;
import io.tasq.core.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A worker process killed with SIGKILL in the middle of a job does not lose it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerKilledTest {

    @TempDir
    Path dir;

    private final String url = TestRedis.url(TestRedis.newQueue());

    @AfterEach
    void deleteQueue() {
        TestRedis.deleteQueues(List.of(url));
    }

    @Test
    void aJobWhoseWorkerIsKilledRunsAgainElsewhereWithAttemptTwo() throws Exception {
        String started = dir.resolve("started").toString();
        TasqFuture<String> f;
        try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client();
                WorkerProcess doomed = WorkerProcess.start(url, 1, "redis.visibility-timeout=2s")) {
            client.connect();
            // the first run marks that it started and then hangs until its worker is killed
            f = client.schedule(() -> {
                Path mark = Path.of(started);
                if (Files.exists(mark)) {
                    return "done";
                }
                Files.createFile(mark);
                new CountDownLatch(1).await(5, TimeUnit.MINUTES);
                return "the first run must never finish";
            }, JobOptions.named("survivor"));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(started)));
            doomed.kill();
            assertThat(doomed.isAlive()).isFalse();

            Keys keys = TestRedis.keys(url);
            try (Jedis j = TestRedis.jedis(url)) {
                // the job is still in Redis, pending for the dead worker's consumer
                assertThat(j.xlen(keys.jobs())).isEqualTo(1);
                assertThat(j.xpending(Keys.name(keys.jobs()), Keys.GROUP).getConsumerMessageCount())
                        .containsEntry(doomed.workerId(), 1L);
            }

            Worker heir = Worker.builder().backend(url)
                    .settings(TestKeys.worker().with("redis.visibility-timeout", "2s", "test")).concurrency(1).build()
                    .start();
            try {
                assertThat(f.unwrap(Duration.ofSeconds(30))).isEqualTo("done");
                assertThat(f.result()).hasValueSatisfying(r -> {
                    assertThat(r.attempt()).isEqualTo(2);
                    assertThat(r.workerId()).isEqualTo(heir.id());
                });
                try (Jedis j = TestRedis.jedis(url)) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> j.xlen(keys.jobs()) == 0);
                }
            } finally {
                heir.stop(Duration.ofSeconds(5));
            }
        }
    }
}
