package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.WorkerProcess;
import io.tasq.core.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs survive their worker: SIGKILL mid-job, and no worker at all yet. */
class WorkerCrashTest extends BrokerTestSupport {

    @TempDir
    Path dir;

    /** Hangs the first time it runs (marking that it started), returns at once the second time. */
    static String hangsOnFirstRun(String marker) throws Exception {
        Path p = Path.of(marker);
        if (Files.exists(p)) {
            return "second run";
        }
        Files.writeString(p, "started");
        new java.util.concurrent.CountDownLatch(1).await(); // nothing counts it down: only the kill ends it
        return "first run";
    }

    @Test
    void aJobWhoseWorkerIsKilledMidJobRunsOnAnotherWorkerWithItsAttemptCountRaised() throws Exception {
        String url = newQueueUrl();
        Path marker = dir.resolve("started");
        TasqClient client = connected(url);
        TasqFuture<String> job;
        List<TasqFuture<Integer>> others = new ArrayList<>();
        try (WorkerProcess doomed = WorkerProcess.start(url, 1)) {
            job = client.schedule(WorkerCrashTest::hangsOnFirstRun, marker.toString());
            for (int i = 0; i < 20; i++) {
                others.add(client.schedule(n -> n * 10, i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker));
            doomed.kill();
            assertThat(doomed.isAlive()).isFalse();
        }
        assertThat(job.isDone()).isFalse();

        Worker rescuer = startWorker(url, 2);
        assertThat(job.unwrap(Duration.ofSeconds(60))).isEqualTo("second run");
        assertThat(job.result()).hasValueSatisfying(r -> {
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.workerId()).isEqualTo(rescuer.id());
        });
        for (int i = 0; i < others.size(); i++) {
            assertThat(others.get(i).unwrap(Duration.ofSeconds(60))).isEqualTo(i * 10);
        }
        String name = TestBroker.nameOf(url);
        await().atMost(Duration.ofSeconds(10)).until(() -> messageCount("tasq." + name + ".jobs") == 0);
        assertThat(messageCount("tasq." + name + ".dead")).isZero();
    }

    @Test
    void jobsSentBeforeAnyWorkerWaitInTheDurableQueueUntilOneStarts() throws Exception {
        String url = newQueueUrl();
        String jobs = "tasq." + TestBroker.nameOf(url) + ".jobs";
        TasqClient client = connected(url);
        List<TasqFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(client.schedule(n -> n + 1, i));
        }
        // confirmed by the broker, so kept on its disk, with no worker anywhere
        await().atMost(Duration.ofSeconds(30)).until(() -> client.pendingJobs().stream().allMatch(p -> p.sent()));
        assertThat(messageCount(jobs)).isEqualTo(100);

        Worker worker = startWorker(url, 2);
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).unwrap(Duration.ofSeconds(60))).isEqualTo(i + 1);
        }
        assertThat(worker.stats().succeeded()).isEqualTo(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> messageCount(jobs) == 0);
    }
}
