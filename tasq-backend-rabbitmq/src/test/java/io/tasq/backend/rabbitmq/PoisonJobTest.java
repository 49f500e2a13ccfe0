package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.JobRejectedException;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.WorkerProcess;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poison job, one that takes its worker down every time it runs: after {@code worker.max-crashes}
 * workers were killed (SIGKILL) holding it, the next refuses it into {@code tasq.NAME.dead} instead
 * of running it again.
 */
class PoisonJobTest extends BrokerTestSupport {

    private static final int MAX_CRASHES = 2;

    @TempDir
    Path dir;

    /** Notes each run in {@code marker}, one line each, then hangs until its worker is killed. */
    static String hangsEveryTime(String marker) throws Exception {
        Files.writeString(Path.of(marker), "run\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        new java.util.concurrent.CountDownLatch(1).await(); // nothing counts it down: only the kill ends it
        return "survived";
    }

    private static long runs(Path marker) throws Exception {
        return Files.exists(marker) ? Files.readAllLines(marker).size() : 0;
    }

    @Test
    void aJobWhoseWorkersAreKilledOverAndOverEndsInTheDeadLettersAfterTheLimit() throws Exception {
        String url = newQueueUrl();
        Path marker = dir.resolve("runs");
        TasqClient client = connected(url);
        TasqFuture<String> poison = client.schedule(PoisonJobTest::hangsEveryTime, marker.toString());
        String crashes = "worker.max-crashes=" + MAX_CRASHES;
        for (int run = 1; run <= 1 + MAX_CRASHES; run++) {
            try (WorkerProcess w = WorkerProcess.start(url, 1, crashes)) {
                long expected = run;
                await().atMost(Duration.ofSeconds(60)).until(() -> runs(marker) == expected);
                w.kill();
                assertThat(w.isAlive()).isFalse();
            }
        }
        assertThat(poison.isDone()).isFalse();

        try (WorkerProcess last = WorkerProcess.start(url, 1, crashes)) {
            assertThatThrownBy(() -> poison.unwrap(Duration.ofSeconds(60))).isInstanceOf(JobRejectedException.class)
                    .hasMessageContaining("poison");
            String name = TestBroker.nameOf(url);
            await().atMost(Duration.ofSeconds(10)).until(() -> messageCount("tasq." + name + ".dead") == 1);
            assertThat(messageCount("tasq." + name + ".jobs")).isZero();
            assertThat(runs(marker)).isEqualTo(1 + MAX_CRASHES);
            assertThat(last.isAlive()).isTrue();
        }
        DeadLetter letter = rawBackend(url).feature(DeadLetters.class).orElseThrow().list(10).get(0);
        assertThat(letter.jobId()).isEqualTo(poison.jobId());
        assertThat(letter.attempts()).isEqualTo(2 + MAX_CRASHES);
        assertThat(letter.reason()).contains("poison");
    }
}
