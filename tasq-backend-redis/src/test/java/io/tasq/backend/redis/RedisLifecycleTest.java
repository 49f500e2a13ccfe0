package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * The job lifecycle as Redis keeps it, beyond the shared contract: a retry waits in the delayed set
 * (not in a worker), exhausted retries are dead letters that can be sent back and purged, and a
 * unique key holds across workers as well as clients.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisLifecycleTest {

    private final String url = TestRedis.url(TestRedis.newQueue());
    private final Keys keys = TestRedis.keys(url);
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAndDeleteQueue() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        TestRedis.deleteQueues(List.of(url));
    }

    private Worker worker(int concurrency) {
        Worker w = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(concurrency).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    private TasqClient client() {
        TasqClient c = Tasq.builder().url(url).settings(TestKeys.client()).client();
        opened.add(c);
        c.connect();
        return c;
    }

    private DeadLetters deadLetters() {
        Backend b = Providers.backend(url, Settings.empty());
        opened.add(b);
        return b.feature(DeadLetters.class).orElseThrow();
    }

    @Test
    void aRetryWaitsInRedisAndOutlivesTheWorkerThatFailedIt() {
        Worker first = worker(1);
        TasqClient client = client();
        String token = "retry-" + System.nanoTime();
        TasqFuture<Integer> f = client.schedule(t -> TestJobs.flaky(t, 1), token,
                JobOptions.named(token).retries(2).backoff(Duration.ofSeconds(3), Duration.ofSeconds(3)));
        try (Jedis j = TestRedis.jedis(url)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> j.zcard(keys.delayed()) == 1);
            // the failed attempt is settled: nothing pending, nothing held by the worker
            assertThat(j.xlen(keys.jobs())).isZero();
            assertThat(first.info().held()).isZero();
            assertThat(first.stats().retried()).isEqualTo(1);
            first.stop(Duration.ofSeconds(5));

            Worker heir = worker(1);
            assertThat(f.unwrap(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(f.result()).hasValueSatisfying(r -> {
                assertThat(r.attempt()).isEqualTo(2);
                assertThat(r.workerId()).isEqualTo(heir.id());
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> j.xlen(keys.jobs()) == 0);
            assertThat(j.zcard(keys.delayed())).isZero();
        }
    }

    @Test
    void exhaustedRetriesAreDeadLettersThatCanBeSentBackAndPurged() {
        worker(1);
        TasqClient client = client();
        DeadLetters dead = deadLetters();
        String token = "doomed-" + System.nanoTime();
        TasqFuture<Integer> f = client.schedule(t -> TestJobs.flaky(t, 3), token,
                JobOptions.named(token).retries(2).backoff(Duration.ofMillis(50), Duration.ofMillis(100)));
        assertThatThrownBy(() -> f.unwrap(Duration.ofSeconds(30))).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("flaky call 3");
        await().atMost(Duration.ofSeconds(10)).until(() -> dead.count() == 1);
        DeadLetter letter = dead.list(10).get(0);
        assertThat(letter.jobId()).isEqualTo(f.jobId());
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.reason()).contains("failed after 3 attempts");
        assertThat(letter.deadAtMillis()).isPositive();

        // sent back, it runs again as a new delivery (attempt 1) and succeeds this time: call 4
        assertThat(dead.retry(List.of(letter.id()))).isEqualTo(1);
        assertThat(dead.count()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.calls(token) == 4);
        try (Jedis j = TestRedis.jedis(url)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> j.xlen(keys.jobs()) == 0);
        }
        assertThat(dead.count()).isZero();

        // purge by id and purge all; a retry of an id that is gone sends nothing
        String other = "other-" + System.nanoTime();
        TasqFuture<Integer> g = client.schedule(t -> TestJobs.flaky(t, 10), other, JobOptions.named(other).retries(1)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(50)));
        TasqFuture<Integer> h = client.schedule(t -> TestJobs.flaky(t, 10), other + "b",
                JobOptions.named(other + "b").retries(1).backoff(Duration.ofMillis(50), Duration.ofMillis(50)));
        assertThatThrownBy(() -> g.unwrap(Duration.ofSeconds(30))).isInstanceOf(JobFailedException.class);
        assertThatThrownBy(() -> h.unwrap(Duration.ofSeconds(30))).isInstanceOf(JobFailedException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> dead.count() == 2);
        String first = dead.list(1).get(0).id();
        assertThat(dead.purge(List.of(first))).isEqualTo(1);
        assertThat(dead.retry(List.of(first))).isZero();
        assertThatThrownBy(() -> dead.purge(List.of("not-an-id"))).isInstanceOf(io.tasq.ConfigurationException.class)
                .hasMessageContaining("'not-an-id' is not a dead-letter id");
        assertThat(dead.purge(List.of())).isEqualTo(1);
        assertThat(dead.count()).isZero();
        assertThat(dead.list(10)).isEmpty();
    }

    @Test
    void retryingAllSendsBackWhatWasThereAndLeavesWhatTasqDidNotWrite() {
        DeadLetters dead = deadLetters();
        try (Jedis j = TestRedis.jedis(url)) {
            String deadKey = Keys.name(keys.dead());
            for (int i = 0; i < 1_200; i++) {
                j.xadd(deadKey, redis.clients.jedis.params.XAddParams.xAddParams(), java.util.Map.of("job", "j" + i,
                        "to", "nobody", "body", "x", "reason", "test", "at", "1"));
            }
            j.xadd(deadKey, redis.clients.jedis.params.XAddParams.xAddParams(), java.util.Map.of("raw", "garbage",
                    "reason", "not ours"));
            assertThat(dead.count()).isEqualTo(1_201);
            assertThat(dead.list(5)).extracting(DeadLetter::jobId).containsExactly("j0", "j1", "j2", "j3", "j4");
            assertThat(dead.list(2_000)).last().satisfies(d -> {
                assertThat(d.jobId()).isEmpty();
                assertThat(new String(d.envelope(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("garbage");
            });
            assertThat(dead.retry(List.of())).isEqualTo(1_200);
            assertThat(j.xlen(keys.jobs())).isEqualTo(1_200);
            assertThat(dead.count()).isEqualTo(1);
        }
    }

    @Test
    void aUniqueKeyHoldsAcrossWorkersAndClientsAndIsGoneOnceReleased() {
        // two actors each: the twin runs at once wherever it lands (a worker reads ahead of its actors,
        // so with one actor the twin could wait behind the job it should follow)
        worker(2);
        worker(2);
        TasqClient one = client();
        TasqClient two = client();
        String token = "unique-" + System.nanoTime();
        JobOptions unique = JobOptions.defaults().unique(token, Duration.ofMinutes(1));
        TasqFuture<Integer> first = one.schedule(t -> {
            TestJobs.holdUntilReleased(t);
            return TestJobs.count(t);
        }, token, unique);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(token + ":started") == 1);
        try (Jedis j = TestRedis.jedis(url)) {
            assertThat(j.get(Keys.name(keys.unique(token)))).isEqualTo(first.jobId());
            // whichever worker takes the twin finds the key held in Redis, and the twin follows
            TasqFuture<Integer> twin = two.schedule(t -> TestJobs.count(t) + 100, token, unique);
            await().atMost(Duration.ofSeconds(10)).until(() -> j.llen(keys.uniqueFollowers(token)) == 1);
            TestJobs.release(token);
            assertThat(first.unwrap(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(twin.unwrap(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(TestJobs.calls(token)).isEqualTo(1);
            assertThat(j.exists(keys.unique(token))).isFalse();
            assertThat(j.exists(keys.uniqueFollowers(token))).isFalse();
        }
    }
}
