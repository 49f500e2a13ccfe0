package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The broker drops every connection in the middle of a run of thousands of jobs: closed from the
 * management side, or restarted. Clients and workers recover by themselves and every job completes
 * with its value.
 */
class BrokerFailureTest extends BrokerTestSupport {

    /**
     * Sends batches of jobs from every client, one batch every 100 ms (on a timer, so that the load
     * keeps its shape): a few before {@code failure} starts, more for as long as it lasts, and a few
     * after, so that jobs are being sent, run and answered when the connections drop.
     */
    private static List<TasqFuture<Integer>> run(List<TasqClient> clients, int perBatch, FailureDuringRun failure)
            throws Exception {
        List<TasqFuture<Integer>> futures = new ArrayList<>();
        AtomicReference<CompletableFuture<Void>> failed = new AtomicReference<>();
        AtomicLong doneBefore = new AtomicLong();
        AtomicInteger batch = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            // one batch at a time: a batch that takes longer delays the next, never overlaps it
            ScheduledFuture<?> sending = timer.scheduleAtFixedRate(() -> {
                for (TasqClient c : clients) {
                    for (int j = 0; j < perBatch; j++) {
                        futures.add(c.schedule(n -> {
                            TestJobs.work(1);
                            return n * 2;
                        }, futures.size()));
                    }
                }
                if (batch.getAndIncrement() == 5) {
                    TasqFuture<Integer> firstJob = futures.get(0);
                    await().atMost(Duration.ofSeconds(30)).until(firstJob::isDone);
                    doneBefore.set(futures.stream().filter(CompletableFuture::isDone).count());
                    failed.set(CompletableFuture.runAsync(() -> {
                        try {
                            failure.happen();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                } else if (failed.get() != null && failed.get().isDone()) {
                    after.incrementAndGet();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofMinutes(3)).until(() -> after.get() >= 5 || sending.isDone());
            sending.cancel(false);
            if (!sending.isCancelled()) {
                sending.get(); // a batch that threw: its exception
            }
        } finally {
            timer.shutdown();
            assertThat(timer.awaitTermination(30, TimeUnit.SECONDS)).as("the last batch ended").isTrue();
        }
        failed.get().get(10, TimeUnit.SECONDS);
        assertThat(doneBefore.get()).as("jobs done before the failure").isPositive().isLessThan(futures.size());
        return futures;
    }

    private static void assertAllDone(List<TasqFuture<Integer>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(90, TimeUnit.SECONDS).join();
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).join()).isEqualTo(i * 2);
        }
    }

    @FunctionalInterface
    private interface FailureDuringRun {
        void happen() throws Exception;
    }

    @Test
    void everyJobCompletesWhenTheBrokerClosesEveryConnectionMidRun() throws Exception {
        String url = newQueueUrl("recovery-interval=200ms");
        String name = TestBroker.nameOf(url);
        Worker a = startWorker(url, 4);
        Worker b = startWorker(url, 4);
        List<TasqClient> clients = List.of(connected(url), connected(url));
        AtomicInteger closed = new AtomicInteger();
        List<TasqFuture<Integer>> futures = run(clients, 25,
                () -> closed.set(TestBroker.closeConnections("tasq " + name + " ")));
        // two connections per client (jobs out, results in), one per worker
        assertThat(closed.get()).isEqualTo(6);
        assertAllDone(futures);
        assertThat(futures).hasSizeGreaterThan(1_000);
        assertThat(a.stats().succeeded() + b.stats().succeeded()).isGreaterThanOrEqualTo(futures.size());
    }

    @Test
    void everyJobCompletesWhenTheBrokerRestartsMidRun() throws Exception {
        try (PrivateBroker broker = PrivateBroker.start()) {
            String url = broker.url() + "?name=restart&recovery-interval=300ms";
            Worker worker = startWorker(url, 4);
            TasqClient client = connected(url);
            List<TasqFuture<Integer>> futures = run(List.of(client), 50, broker::restart);
            assertAllDone(futures);
            assertThat(futures).hasSizeGreaterThan(2_000);
            assertThat(worker.stats().succeeded()).isGreaterThanOrEqualTo(futures.size());
            client.close();
            worker.close();
        }
    }
}
