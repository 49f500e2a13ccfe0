package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.RecurringJob;
import io.tasq.RunResult;
import io.tasq.TasqClient;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Repeating jobs are kept by the broker in {@code tasq.NAME.schedules}, held by one worker at a
 * time: they go on, without a run fired twice or skipped, while the workers holding them stop one
 * after another, and they survive every worker and the client going away.
 */
class RepeatingJobsTest extends BrokerTestSupport {

    private static List<Long> runNumbers(List<RunResult<String>> runs) {
        return runs.stream().map(RunResult::run).sorted().toList();
    }

    private static void assertContiguous(List<Long> runs) {
        assertThat(runs).doesNotHaveDuplicates();
        assertThat(runs.get(runs.size() - 1) - runs.get(0) + 1).isEqualTo(runs.size());
    }

    @Test
    void theRunsGoOnOnceEachWhileTheWorkersHoldingThemStopOneAfterAnother() {
        String url = newQueueUrl();
        Worker a = startWorker(url, 1);
        Worker b = startWorker(url, 1);
        TasqClient client = connected(url);
        String token = "relay-" + System.nanoTime();
        // each run counts itself where it runs: a run fired twice would count twice
        RecurringJob<String> job = client.schedule(() -> "tick " + TestJobs.count(token), JobOptions.named("relay")
                .every("300ms")).recurring().orElseThrow();
        List<RunResult<String>> runs = new CopyOnWriteArrayList<>();
        job.onRun(runs::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 3);

        a.stop(Duration.ofSeconds(5));
        int seen = runs.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= seen + 3);
        startWorker(url, 1);
        b.stop(Duration.ofSeconds(5));
        int seenAgain = runs.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= seenAgain + 3);

        assertThat(client.cancelRecurring("relay").unwrap(Duration.ofSeconds(30))).isTrue();
        assertContiguous(runNumbers(runs));
        // a run still going when the cancel came reports in a moment; then runs and results agree
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(TestJobs.calls(token)).as("runs of the job").isEqualTo(runs.size()));
    }

    @Test
    void aRepeatingJobOutlivesItsWorkersAndItsClientAndIsCancelledByNameFromAnotherClient() throws Exception {
        String url = newQueueUrl();
        Worker first = startWorker(url, 1);
        TasqClient client = connected(url);
        RecurringJob<String> job = client.schedule(() -> "tick", JobOptions.named("survivor").every("300ms"))
                .recurring().orElseThrow();
        List<RunResult<String>> runs = new CopyOnWriteArrayList<>();
        job.onRun(runs::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 2);
        client.close();
        first.stop(Duration.ofSeconds(5));
        long before = runNumbers(runs).get(runs.size() - 1);
        // no worker: the job waits in the broker, in its schedules queue
        await().atMost(Duration.ofSeconds(10))
                .until(() -> messageCount("tasq." + TestBroker.nameOf(url) + ".schedules") == 1);

        startWorker(url, 1);
        TasqClient other = connected(url);
        await().atMost(Duration.ofSeconds(30)).until(() -> other.listRecurring().unwrap(Duration.ofSeconds(10))
                .stream().anyMatch(r -> r.name().equals("survivor") && r.runs() > before));
        assertThat(other.cancelRecurring("survivor").unwrap(Duration.ofSeconds(30))).isTrue();
        assertThat(other.listRecurring().unwrap(Duration.ofSeconds(10))).isEmpty();
        assertThat(other.cancelRecurring("survivor").unwrap(Duration.ofSeconds(30))).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> messageCount("tasq." + TestBroker.nameOf(url) + ".schedules") == 0);
    }
}
