package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker's and the client's meters after a known run. */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsTest {

    private static final int SLOWEST_RUN_MILLIS = 60;

    @Test
    void metersCountAKnownRun() {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        SimpleMeterRegistry workerMeters = new SimpleMeterRegistry();
        SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
        Metrics.addRegistry(clientMeters);
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker()).meterRegistry(workerMeters)
                .concurrency(2).build().start();
        try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            client.connect();
            List<TasqFuture<Integer>> succeeding = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                succeeding.add(client.schedule(n -> {
                    if (n == 4) {
                        TestJobs.work(SLOWEST_RUN_MILLIS); // its work: the run the p99 must cover
                    }
                    return n;
                }, i));
            }
            List<TasqFuture<Integer>> failing = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                failing.add(client.schedule(n -> n / (n - n), i));
            }
            TasqFuture<Integer> retried = client.schedule(n -> {
                throw new IllegalStateException("again");
            }, 0, JobOptions.named("retried").retries(1).backoff(Duration.ofMillis(10), Duration.ofMillis(10)));
            for (int i = 0; i < 5; i++) {
                assertThat(succeeding.get(i).unwrap(Duration.ofSeconds(60))).isEqualTo(i);
            }
            for (TasqFuture<Integer> f : failing) {
                assertThatThrownBy(() -> f.unwrap(Duration.ofSeconds(60))).isInstanceOfSatisfying(JobFailedException.class,
                        e -> assertThat(e.remoteType()).isEqualTo(ArithmeticException.class.getName()));
            }
            assertThatThrownBy(() -> retried.unwrap(Duration.ofSeconds(60))).isInstanceOfSatisfying(JobFailedException.class,
                    e -> assertThat(e.remoteMessage()).isEqualTo("again"));
            assertThat(retried.lastFailure()).as("the retry notice of its first attempt")
                    .hasValueSatisfying(e -> assertThat(e).hasMessageContaining("again"));
            String tag = worker.id();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(count(workerMeters, "succeeded", tag)).isEqualTo(5);
                assertThat(count(workerMeters, "failed", tag)).isEqualTo(4);
                assertThat(count(workerMeters, "retried", tag)).isEqualTo(1);
                assertThat(count(workerMeters, "dead-lettered", tag)).isEqualTo(1);
            });
            Timer runs = workerMeters.get("tasq.worker.job.run").timer();
            assertThat(runs.count()).isEqualTo(9);
            assertThat(runs.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(SLOWEST_RUN_MILLIS);
            String client1 = client.clientId();
            assertThat(clientMeters.get("tasq.client.jobs.submitted").tag("client", client1).counter().count())
                    .isEqualTo(8);
            assertThat(clientMeters.get("tasq.client.jobs.completed").tag("client", client1).tag("outcome", "succeeded")
                    .counter().count()).isEqualTo(5);
            assertThat(clientMeters.get("tasq.client.jobs.completed").tag("client", client1).tag("outcome", "failed")
                    .counter().count()).isEqualTo(3);
            assertThat(clientMeters.get("tasq.client.job.latency").tag("client", client1).timer().count()).isEqualTo(8);
            // of nine runs, the 99th percentile is the slowest (give or take the estimate's precision); the
            // median is one of the eight that did next to nothing
            assertThat(worker.info().runP99Millis()).isGreaterThanOrEqualTo(SLOWEST_RUN_MILLIS * 5 / 6);
            assertThat(worker.info().runP50Millis()).isLessThan(SLOWEST_RUN_MILLIS / 2);
        } finally {
            worker.stop(Duration.ofSeconds(5));
            Metrics.removeRegistry(clientMeters);
        }
    }

    @Test
    void heartbeatsCarryRunTimePercentilesWithoutAnyRegistry() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(2).build().start();
        try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            client.connect();
            for (int i = 0; i < 4; i++) {
                client.schedule(ms -> {
                    TestJobs.work(ms);
                    return ms;
                }, 30).unwrap(Duration.ofSeconds(30));
            }
            assertThat(worker.info().runP50Millis()).as("nothing but the global registry, with no registry in it")
                    .isGreaterThanOrEqualTo(25);
            assertThat(worker.info().runP99Millis()).isGreaterThanOrEqualTo(worker.info().runP50Millis());
        } finally {
            worker.stop(Duration.ofSeconds(5));
        }
    }

    private static double count(SimpleMeterRegistry r, String outcome, String worker) {
        return r.get("tasq.worker.jobs").tag("outcome", outcome).tag("worker", worker).functionCounter().count();
    }
}
