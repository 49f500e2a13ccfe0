package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.worker.Worker;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retries, dead letters and unique jobs kept by the broker, beyond what the contract asks of every
 * backend: a retry outlives the worker that scheduled it, dead letters carry their attempts and go
 * back as new jobs, and a unique key holds across workers and clients and expires.
 */
class JobLifecycleTest extends BrokerTestSupport {

    @Test
    void aRetryWaitsInTheBrokerAndOutlivesTheWorkerThatScheduledIt() throws Exception {
        String url = newQueueUrl();
        Worker first = startWorker(url, 1);
        TasqClient client = connected(url);
        String token = "retry-" + System.nanoTime();
        TasqFuture<Integer> f = client.schedule(t -> TestJobs.flaky(t, 1), token,
                JobOptions.named(token).retries(2).backoff(Duration.ofSeconds(4), Duration.ofSeconds(4)));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(token) == 1);
        // the failed attempt was settled: the retry waits in a delay queue, not in the worker
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stats().retried() == 1);
        first.stop(Duration.ofSeconds(5));
        assertThat(TestJobs.calls(token)).isEqualTo(1);
        assertThat(messageCount("tasq." + TestBroker.nameOf(url) + ".jobs")).isZero();

        Worker second = startWorker(url, 1);
        assertThat(f.unwrap(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(f.result()).hasValueSatisfying(r -> {
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.workerId()).isEqualTo(second.id());
        });
    }

    @Test
    void exhaustedRetriesLandInTheDeadLetterQueueAndGoBackAsNewJobs() throws Exception {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        String token = "doomed-" + System.nanoTime();
        TasqFuture<Integer> f = client.schedule(t -> TestJobs.flaky(t, 3), token,
                JobOptions.named(token).retries(2).backoff(Duration.ofMillis(50), Duration.ofMillis(100)));
        assertThatThrownBy(() -> f.unwrap(Duration.ofSeconds(60))).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("flaky call 3");
        String dead = "tasq." + TestBroker.nameOf(url) + ".dead";
        await().atMost(Duration.ofSeconds(10)).until(() -> messageCount(dead) == 1);

        DeadLetters letters = rawBackend(url).feature(DeadLetters.class).orElseThrow();
        assertThat(letters.count()).isEqualTo(1);
        List<DeadLetter> listed = letters.list(10);
        assertThat(listed).singleElement().satisfies(d -> {
            assertThat(d.jobId()).isEqualTo(f.jobId());
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.reason()).contains("failed after 3 attempts");
            assertThat(d.deadAtMillis()).isPositive();
        });
        // listing takes nothing away, and ids stay the same
        assertThat(letters.list(10)).extracting(DeadLetter::id).containsExactly(listed.get(0).id());
        assertThat(letters.retry(List.of("no-such-id"))).isZero();

        assertThat(letters.retry(List.of(listed.get(0).id()))).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(token) == 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> messageCount(dead) == 0);
        assertThat(letters.count()).isZero();
    }

    @Test
    void aUniqueKeyHoldsAcrossWorkersAndClients() {
        // prefetch 1: the worker running the first job takes no other, so its twins go to the second worker
        String url = newQueueUrl("prefetch=1");
        startWorker(url, 1);
        TasqClient one = connected(url);
        String token = "unique-" + System.nanoTime();
        JobOptions unique = JobOptions.defaults().unique(token, Duration.ofMinutes(1));
        TasqFuture<Integer> first = one.schedule(t -> {
            int n = TestJobs.count(t);
            TestJobs.holdUntilReleased(t);
            return n;
        }, token, unique);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(token) == 1);
        Worker other = startWorker(url, 2);
        List<TasqFuture<Integer>> twins = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TasqClient c = connected(url);
            twins.add(c.schedule(t -> TestJobs.count(t) + 100, token, unique));
        }
        // the first runs until all three twins reached the other worker, which finds the key held
        await().atMost(Duration.ofSeconds(30)).until(() -> other.stats().received() >= 3);
        TestJobs.release(token);
        assertThat(first.unwrap(Duration.ofSeconds(30))).isEqualTo(1);
        for (TasqFuture<Integer> twin : twins) {
            assertThat(twin.unwrap(Duration.ofSeconds(30))).isEqualTo(1);
        }
        assertThat(TestJobs.calls(token)).isEqualTo(1);
        assertThat(other.stats().succeeded()).isZero();
        // released: the key can be taken again, here by a job on either worker
        assertThat(connected(url).schedule(TestJobs::count, token, unique).unwrap(Duration.ofSeconds(30)))
                .isEqualTo(2);
    }

    @Test
    void aUniqueLockExpiresAfterItsTtl() {
        String url = newQueueUrl();
        startWorker(url, 2);
        String token = "expiring-" + System.nanoTime();
        JobOptions unique = JobOptions.defaults().unique(token, Duration.ofMillis(500));
        TasqFuture<Integer> slow = connected(url).schedule(t -> {
            int n = TestJobs.count(t);
            TestJobs.holdUntilReleased(t);
            return n;
        }, token, unique);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(token) == 1);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        // the lock is past its time: a twin from another client runs by itself
        TasqFuture<Integer> twin = connected(url).schedule(t -> TestJobs.count(t) + 100, token, unique);
        assertThat(twin.unwrap(Duration.ofSeconds(30))).isEqualTo(102);
        TestJobs.release(token);
        assertThat(slow.unwrap(Duration.ofSeconds(30))).isEqualTo(1);
    }
}
