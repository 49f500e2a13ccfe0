package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tq dead list|retry|purge} against a real {@code tq worker} on the real Redis
 * ({@code TASQ_TEST_REDIS_URL}, else {@code redis://127.0.0.1:6379/0}): a job that failed its
 * retries and a refused one are listed; the first, sent back, runs again and succeeds; purge clears
 * the rest.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisDeadIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**");

    @TempDir
    Path dir;

    private final String queue = "dead-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final String url = TestServers.redis() + "?name=" + queue;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Fails until {@code dir/go} exists, then leaves {@code dir/done} and answers. */
    static String whenAllowed(String dir) throws IOException {
        if (!Files.exists(Path.of(dir, "go"))) {
            throw new IllegalStateException("not allowed yet");
        }
        Files.writeString(Path.of(dir, "done"), "done");
        return "allowed";
    }

    @AfterEach
    void closeAndDeleteTheQueue() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        TestServers.deleteRedisQueue(queue);
    }

    private TasqClient client(Map<String, String> settings) {
        TasqClient c = Tasq.builder().url(url).settings(settings).client();
        opened.add(c);
        c.connect();
        return c;
    }

    private String tq(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("dead"));
        all.addAll(List.of(args));
        all.addAll(List.of("--backend", url));
        try (TqProcess p = TqProcess.start(ENV, all.toArray(String[]::new))) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.output()).isZero();
            return p.output();
        }
    }

    @Test
    void tqDeadListsRetriesAndPurgesTheDeadLettersOfARedisQueue() throws Exception {
        TqProcess worker = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--shutdown-timeout", "1s");
        opened.add(worker);
        worker.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
        TasqClient client = client(TestKeys.client());
        TasqFuture<String> failed = client.schedule(RedisDeadIT::whenAllowed, dir.toString(),
                JobOptions.named("picky").retries(1).backoff(Duration.ofMillis(100), Duration.ofMillis(200)));
        assertThatThrownBy(() -> failed.unwrap(Duration.ofSeconds(60))).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("not allowed yet");
        TasqFuture<Long> refused = client(Map.of("sign.algorithm", "none")).schedule(Sleepy::pid, 0);

        Backend backend = Providers.backend(url, Settings.empty());
        opened.add(backend);
        DeadLetters dead = backend.feature(DeadLetters.class).orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> dead.count() == 2);
        assertThat(refused).as("refused without a word to its sender").isNotDone();
        String list = tq("list");
        assertThat(list).contains("2 dead letters in " + url).contains(failed.jobId())
                .contains("failed after 2 attempts").contains("attempts 2").contains("unsigned");
        DeadLetter picky = dead.list(10).stream().filter(d -> d.jobId().equals(failed.jobId())).findFirst()
                .orElseThrow();
        assertThat(list).contains(picky.id());

        // allowed now, the job sent back runs again and succeeds; the refused one stays
        Files.writeString(dir.resolve("go"), "go");
        assertThat(tq("retry", picky.id())).contains("sent 1 dead letter(s) back to " + url);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("done")));
        assertThat(tq("list")).contains("1 dead letter in " + url).contains("unsigned")
                .doesNotContain(failed.jobId());

        assertThat(tq("purge")).contains("deleted 1 dead letter(s) from " + url);
        assertThat(tq("list")).contains("0 dead letters in " + url);
        assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
    }
}
