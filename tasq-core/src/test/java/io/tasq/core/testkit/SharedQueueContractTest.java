package io.tasq.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.RecurringJob;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The contract of a backend whose queue several workers consume at once (the brokers): the shared
 * contract, plus what sharing a queue promises. A backend whose worker owns its queue (the
 * brokerless one binds its port) extends {@link BackendContractTest} instead, so these cases are
 * neither run nor counted for it; its own tests cover several workers.
 */
public abstract class SharedQueueContractTest extends BackendContractTest {

    @Test
    void severalWorkersShareOneQueueAndRunEachJobOnce() {
        String url = newQueueUrl();
        Worker a = startWorker(url, 2);
        Worker b = startWorker(url, 2);
        TasqClient client = connected(url);
        List<TasqFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            futures.add(client.schedule(n -> {
                TestJobs.work(2);
                return n;
            }, i));
        }
        for (int i = 0; i < 400; i++) {
            assertThat(futures.get(i).unwrap(Duration.ofSeconds(60))).isEqualTo(i);
        }
        assertThat(a.stats().succeeded() + b.stats().succeeded()).isEqualTo(400);
        assertThat(a.stats().succeeded()).isPositive();
        assertThat(b.stats().succeeded()).isPositive();
    }

    @Test
    void twoWorkersFireEachTickOnce() {
        String url = newQueueUrl();
        startWorker(url, 1);
        startWorker(url, 1);
        TasqClient client = connected(url);
        String name = "once-" + System.nanoTime();
        // each run counts itself where it runs: a tick fired by both workers would run twice
        RecurringJob<Integer> job = client.schedule(() -> TestJobs.count(name), JobOptions.named(name).every("500ms"))
                .recurring().orElseThrow();
        List<Long> runs = new CopyOnWriteArrayList<>();
        job.onRun(r -> runs.add(r.run()));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 6);
        assertThat(client.cancelRecurring(name).unwrap(Duration.ofSeconds(30))).isTrue();
        assertThat(runs).doesNotHaveDuplicates();
        List<Long> sorted = runs.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() - 1) - sorted.get(0) + 1).isEqualTo(sorted.size());
        // a run still going when the cancel came reports in a moment; then runs and results agree
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(TestJobs.calls(name)).as("runs of the job").isEqualTo(runs.size()));
    }
}
