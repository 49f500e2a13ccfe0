package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.RecurringJob;
import io.tasq.RunResult;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.Providers;
import io.tasq.spi.Recurring;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Repeating and delayed jobs live in Redis, not in a worker or a client: they outlive the restart of
 * either, and runs missed while no worker was up are coalesced into one.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RepeatingJobsTest {

    private final String url = TestRedis.url(TestRedis.newQueue());
    private final Keys keys = TestRedis.keys(url);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Jedis redis = TestRedis.jedis(url);
    private final RedisConnections connections = new RedisConnections(TestRedis.settings(url), url);
    /** The test's own view of the queue's repeating jobs. */
    private final RedisScheduleStore store = new RedisScheduleStore(connections, keys, TestRedis.settings(url), "test");

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        connections.close();
        redis.close();
        TestRedis.deleteQueues(List.of(url));
    }

    private Worker worker() {
        Worker w = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(1).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    private TasqClient client(String clientId) {
        Map<String, String> settings = new HashMap<>(TestKeys.client());
        settings.put("client.id", clientId);
        TasqClient c = Tasq.builder().url(url).settings(settings).client();
        opened.add(c);
        c.connect();
        return c;
    }

    private Recurring kept() {
        List<Recurring> all = store.list();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static List<Long> sorted(List<Long> runs) {
        return runs.stream().sorted().toList();
    }

    private static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    @Test
    void aRepeatingJobKeepsFiringWhenItsWorkerIsReplaced() {
        Worker first = worker();
        TasqClient client = client("c-" + TestRedis.newQueue());
        RecurringJob<String> job = client.schedule(() -> "tick", JobOptions.named("heartbeat").every("500ms"))
                .recurring().orElseThrow();
        List<RunResult<String>> runs = new CopyOnWriteArrayList<>();
        job.onRun(runs::add);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs.size() >= 2);
        first.stop(Duration.ofSeconds(5));
        long before = kept().lastRun();

        Worker second = worker();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> runs.stream().filter(r -> r.workerId().equals(second.id())).count() >= 3);
        List<Long> numbers = runs.stream().map(RunResult::run).toList();
        assertThat(sorted(numbers)).as("every run once, none skipped").isEqualTo(oneTo(numbers.size()));
        assertThat(runs).filteredOn(r -> r.workerId().equals(second.id())).extracting(RunResult::run)
                .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(before));
        assertThat(client.cancelRecurring("heartbeat").unwrap(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void aClientThatComesBackWithItsIdKeepsGettingTheRunsAndCanCancelByName() throws Exception {
        worker();
        String clientId = "returning-" + TestRedis.newQueue();
        String jobId;
        try (TasqClient first = Tasq.builder().url(url).settings(withId(clientId)).client()) {
            first.connect();
            TasqFuture<String> f = first.schedule(() -> "tick", JobOptions.named("report").every("500ms"));
            jobId = f.jobId();
            assertThat(f.unwrap(Duration.ofSeconds(20))).isEqualTo("tick");
        } // the client goes away; its job goes on

        // its runs' results wait for it in Redis and reach whoever comes back with its id
        List<ResultEnvelope> results = new CopyOnWriteArrayList<>();
        try (Backend backend = Providers.backend(url, Settings.empty())) {
            backend.openProducer(clientId, body -> results.add(ResultCodec.decode(body, 1 << 20)));
            await().atMost(Duration.ofSeconds(20)).until(() -> results.size() >= 3);
        }
        assertThat(results).allSatisfy(r -> assertThat(r.jobId()).isEqualTo(jobId));
        List<Long> numbers = results.stream().map(ResultEnvelope::run).toList();
        assertThat(numbers).doesNotHaveDuplicates();
        assertThat(sorted(numbers)).as("in order").isEqualTo(numbers);

        TasqClient back = client(clientId);
        assertThat(back.cancelRecurring("report").unwrap(Duration.ofSeconds(20))).isTrue();
        assertThat(store.list()).isEmpty();
        assertThat(redis.exists(keys.schedules())).isFalse();
        assertThat(redis.exists(keys.scheduleTimes())).isFalse();
    }

    private static Map<String, String> withId(String clientId) {
        Map<String, String> settings = new HashMap<>(TestKeys.client());
        settings.put("client.id", clientId);
        return settings;
    }

    @Test
    void runsMissedWhileNoWorkerWasUpAreCoalescedIntoOneThenTheScheduleGoesOn() {
        Worker first = worker();
        TasqClient client = client("c-" + TestRedis.newQueue());
        RecurringJob<Long> job = client.schedule(System::currentTimeMillis,
                JobOptions.named("every-second").every("1s")).recurring().orElseThrow();
        List<RunResult<Long>> runs = new CopyOnWriteArrayList<>();
        job.onRun(runs::add);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs.size() >= 1);
        first.stop(Duration.ofSeconds(5));
        Recurring stopped = kept();

        // three runs go by with no worker up
        await().atMost(Duration.ofSeconds(10))
                .until(() -> System.currentTimeMillis() > stopped.nextRunMillis() + 3_000);
        assertThat(kept().lastRun()).isEqualTo(stopped.lastRun());

        long restart = System.currentTimeMillis();
        worker();
        await().atMost(Duration.ofSeconds(10)).until(() -> kept().lastRun() > stopped.lastRun());
        Recurring caughtUp = kept();
        assertThat(caughtUp.lastRun()).as("one run for the missed ones").isEqualTo(stopped.lastRun() + 1);
        assertThat(caughtUp.nextRunMillis()).as("the next run is one interval after the catch-up, not a missed one")
                .isGreaterThanOrEqualTo(restart + 1_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() >= caughtUp.lastRun() + 1);
        List<Long> numbers = runs.stream().map(RunResult::run).toList();
        assertThat(sorted(numbers)).isEqualTo(oneTo(numbers.size()));
        RunResult<Long> catchUp = runs.stream().filter(r -> r.run() == caughtUp.lastRun()).findFirst().orElseThrow();
        RunResult<Long> next = runs.stream().filter(r -> r.run() == caughtUp.lastRun() + 1).findFirst().orElseThrow();
        assertThat(next.value() - catchUp.value()).as("ms between the catch-up run and the next")
                .isBetween(500L, 2_000L); // a burst of missed runs would be a tick (100 ms) apart
        assertThat(client.cancelRecurring("every-second").unwrap(Duration.ofSeconds(20))).isTrue();
    }

    @Test
    void aDelayedJobOutlivesTheWorkerThatWasUpWhenItWasSent() {
        Worker first = worker();
        TasqClient client = client("c-" + TestRedis.newQueue());
        long sent = System.currentTimeMillis();
        TasqFuture<String> f = client.schedule(() -> "late", JobOptions.named("later").delay(Duration.ofMillis(1_500)));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.zcard(keys.delayed()) == 1);
        first.stop(Duration.ofSeconds(5));

        // its time comes and goes with no worker up: it waits in Redis
        await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > sent + 2_000);
        assertThat(redis.zcard(keys.delayed())).isEqualTo(1);
        assertThat(f).isNotDone();

        Worker second = worker();
        assertThat(f.unwrap(Duration.ofSeconds(20))).isEqualTo("late");
        assertThat(f.result()).hasValueSatisfying(r -> assertThat(r.workerId()).isEqualTo(second.id()));
        assertThat(redis.zcard(keys.delayed())).isZero();
    }
}
