package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.JobRejectedException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.testkit.WorkerProcess;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A poison job: every worker that takes it is killed (SIGKILL) while it runs. After
 * {@code worker.max-crashes} crashes the next worker does not run it but moves it to the dead
 * letters, where {@code tq dead} finds it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoisonKilledTest {

    @TempDir
    Path dir;

    private final String url = TestRedis.url(TestRedis.newQueue());

    @AfterEach
    void deleteQueue() {
        TestRedis.deleteQueues(List.of(url));
    }

    @Test
    void aJobWhoseWorkerIsKilledEachTimeEndsInTheDeadLettersAfterTheLimit() throws Exception {
        String marks = dir.toString();
        String[] settings = {"redis.visibility-timeout=1s", "worker.max-crashes=2"};
        try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client();
                Backend backend = Providers.backend(url, Settings.empty())) {
            client.connect();
            // each run leaves a mark, then hangs until its worker is killed
            TasqFuture<String> f = client.schedule(() -> {
                File[] before = new File(marks).listFiles();
                Files.createFile(Path.of(marks, "run-" + (before == null ? 0 : before.length)));
                new CountDownLatch(1).await(5, TimeUnit.MINUTES);
                return "never";
            }, JobOptions.named("poison"));
            // 1 + retries (0) + max-crashes (2) = 3 attempts, each killing its worker
            for (int attempt = 1; attempt <= 3; attempt++) {
                try (WorkerProcess w = WorkerProcess.start(url, 1, settings)) {
                    int expected = attempt;
                    try {
                        await().atMost(Duration.ofSeconds(90)).until(() -> runs() == expected);
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        throw new AssertionError("attempt " + expected + " did not start (runs: " + runs()
                                + ", future: " + f + "); the worker said:\n" + w.output(), e);
                    }
                    w.kill();
                }
            }
            Worker last = Worker.builder().backend(url).settings(TestKeys.worker().with(Map.of(
                    "redis.visibility-timeout", "1s", "worker.max-crashes", "2"), "test")).concurrency(1).build()
                    .start();
            try {
                assertThatThrownBy(() -> f.unwrap(Duration.ofSeconds(60))).isInstanceOf(JobRejectedException.class)
                        .hasMessageContaining("poison job");
                assertThat(last.stats().deadLettered()).isEqualTo(1);
            } finally {
                last.stop(Duration.ofSeconds(5));
            }
            assertThat(runs()).isEqualTo(3);
            var dead = backend.feature(DeadLetters.class).orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> dead.count() == 1);
            DeadLetter letter = dead.list(10).get(0);
            assertThat(letter.jobId()).isEqualTo(f.jobId());
            assertThat(letter.attempts()).isEqualTo(4);
            assertThat(letter.reason()).contains("delivered 4 times").contains("poison job");
            Keys keys = TestRedis.keys(url);
            try (Jedis j = TestRedis.jedis(url)) {
                assertThat(j.xlen(keys.jobs())).isZero();
            }
        }
    }

    private int runs() {
        String[] names = dir.toFile().list();
        return names == null ? 0 : names.length;
    }
}
