package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.Providers;
import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The schedule store's own promises, through the SPI with opaque envelopes: kept by name, a
 * registration delivered again changes nothing, removal leaves nothing behind, due is earliest
 * first, and of many workers firing the same run exactly one wins, its run delivered with its
 * number.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisScheduleStoreTest {

    private final String url = TestRedis.url(TestRedis.newQueue());
    private final Keys keys = TestRedis.keys(url);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Jedis redis = TestRedis.jedis(url);

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        redis.close();
        TestRedis.deleteQueues(List.of(url));
    }

    /** A store as one worker has it, with connections of its own. */
    private RedisScheduleStore store(String workerId) {
        RedisConnections connections = new RedisConnections(TestRedis.settings(url), url);
        opened.add(connections);
        RedisScheduleStore s = new RedisScheduleStore(connections, keys, TestRedis.settings(url), workerId);
        opened.add(s);
        return s;
    }

    private static Recurring job(String name, String jobId, long nextRun) {
        return new Recurring(name, jobId, "client-a", bytes("envelope of " + jobId), nextRun, 0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String describe(Recurring r) {
        return r.name() + "/" + r.jobId() + "/" + r.replyTo() + "/" + text(r.envelope()) + "@" + r.nextRunMillis() + "#"
                + r.lastRun();
    }

    @Test
    void aJobIsKeptByNameAndARegistrationDeliveredAgainChangesNothing() {
        RedisScheduleStore store = store("worker-1");
        store.add(job("nightly", "job-1", 1_000));
        Recurring seen = store.due(1_000, 10).get(0);
        assertThat(store.fire(seen, 2_000)).isTrue();

        store.add(job("nightly", "job-1", 5_000)); // the same registration again: its runs go on
        assertThat(store.list()).extracting(RedisScheduleStoreTest::describe)
                .containsExactly("nightly/job-1/client-a/envelope of job-1@2000#1");

        store.add(new Recurring("nightly", "job-2", "client-b", bytes("new"), 7_000, 0)); // a new job: replaces it
        assertThat(store.list()).extracting(RedisScheduleStoreTest::describe)
                .containsExactly("nightly/job-2/client-b/new@7000#0");
        assertThat(redis.hlen(keys.schedules())).isEqualTo(1);
        assertThat(redis.zcard(keys.scheduleTimes())).isEqualTo(1);
    }

    @Test
    void removingAJobLeavesNothingBehind() {
        RedisScheduleStore store = store("worker-1");
        store.add(job("a", "job-a", 1_000));
        store.add(job("b", "job-b", 2_000));
        assertThat(store.remove("a")).isTrue();
        assertThat(store.remove("a")).isFalse();
        assertThat(store.list()).extracting(Recurring::name).containsExactly("b");
        assertThat(store.remove("b")).isTrue();
        assertThat(redis.exists(keys.schedules())).isFalse();
        assertThat(redis.exists(keys.scheduleTimes())).isFalse();
        assertThat(store.due(Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void dueAnswersTheJobsDueByNowEarliestFirstAndNoMoreThanAsked() {
        RedisScheduleStore store = store("worker-1");
        long base = 1_732_811_508_100L; // real epoch milliseconds survive the sorted set's doubles
        store.add(job("c", "job-c", base + 3_000));
        store.add(job("a", "job-a", base + 1_000));
        store.add(job("d", "job-d", base + 9_000));
        store.add(job("b", "job-b", base + 2_000));
        assertThat(store.due(base + 2_500, 10)).extracting(RedisScheduleStoreTest::describe).containsExactly(
                "a/job-a/client-a/envelope of job-a@" + (base + 1_000) + "#0",
                "b/job-b/client-a/envelope of job-b@" + (base + 2_000) + "#0");
        assertThat(store.due(base + 5_000, 2)).extracting(Recurring::name).containsExactly("a", "b");
        assertThat(store.due(base + 999, 10)).isEmpty();
        assertThat(store.list()).extracting(Recurring::name).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aFiredRunIsDeliveredWithItsNumberAndTheJobMovesOn() {
        RedisScheduleStore store = store("worker-1");
        Backend backend = Providers.backend(url, Settings.empty());
        opened.add(backend);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        JobConsumer consumer = backend.openConsumer(new ConsumerOptions("worker-1", 4));
        opened.add(consumer);
        assertThat(consumer.feature(ScheduleStore.class)).isPresent();
        consumer.start(got::add);

        store.add(job("ticker", "job-1", 1_000));
        Recurring seen = store.due(1_000, 10).get(0);
        assertThat(store.fire(seen, 2_000)).isTrue();
        assertThat(store.fire(seen, 2_000)).as("the same run again").isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        Delivery run1 = got.get(0);
        assertThat(text(run1.body())).isEqualTo("envelope of job-1");
        assertThat(run1.run()).isEqualTo(1);
        assertThat(run1.attempt()).isEqualTo(1);
        run1.release(); // handed back: still run 1, next attempt
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got.get(1).run()).isEqualTo(1);
        assertThat(got.get(1).attempt()).isEqualTo(2);
        got.get(1).ack();

        Recurring moved = store.list().get(0);
        assertThat(describe(moved)).isEqualTo("ticker/job-1/client-a/envelope of job-1@2000#1");
        assertThat(store.fire(moved, 3_000)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        assertThat(got.get(2).run()).isEqualTo(2);
        assertThat(got.get(2).attempt()).isEqualTo(1);
        got.get(2).ack();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(keys.jobs()) == 0);
    }

    @Test
    void aStaleViewDoesNotFire() {
        RedisScheduleStore store = store("worker-1");
        store.add(job("j", "job-1", 1_000));
        Recurring seen = store.due(1_000, 10).get(0);
        assertThat(store.fire(new Recurring("j", "job-1", "client-a", seen.envelope(), 1_000, 1), 2_000))
                .as("another last run").isFalse();
        assertThat(store.fire(new Recurring("j", "job-1", "client-a", seen.envelope(), 999, 0), 2_000))
                .as("another next run").isFalse();
        assertThat(store.fire(new Recurring("j", "job-0", "client-a", seen.envelope(), 1_000, 0), 2_000))
                .as("another job").isFalse();
        store.add(job("j", "job-2", 1_000));
        assertThat(store.fire(seen, 2_000)).as("replaced meanwhile").isFalse();
        store.remove("j");
        assertThat(store.fire(seen, 2_000)).as("removed meanwhile").isFalse();
        assertThat(redis.exists(keys.jobs())).isFalse();
        assertThat(redis.exists(keys.schedules())).isFalse();
    }

    @Test
    void ofEightWorkersFiringTheSameRunAtOnceExactlyOneWinsEveryTime() throws Exception {
        int workers = 8;
        int runs = 20;
        List<RedisScheduleStore> stores = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            stores.add(store("worker-" + i));
        }
        stores.get(0).add(job("contended", "job-1", 1_000));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        opened.add(pool::shutdownNow);
        CyclicBarrier together = new CyclicBarrier(workers);
        for (int run = 1; run <= runs; run++) {
            List<Future<Boolean>> fired = new ArrayList<>();
            for (RedisScheduleStore s : stores) {
                fired.add(pool.submit(() -> {
                    List<Recurring> due = s.due(Long.MAX_VALUE, 10); // every worker sees the run due
                    together.await(10, TimeUnit.SECONDS); // then all fire at once
                    return !due.isEmpty() && s.fire(due.get(0), due.get(0).nextRunMillis() + 1_000);
                }));
            }
            int wins = 0;
            for (Future<Boolean> f : fired) {
                wins += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(wins).as("workers that fired run %d", run).isEqualTo(1);
        }
        List<String> fields = redis.xrange(Keys.name(keys.jobs()), (StreamEntryID) null, null).stream()
                .map(StreamEntry::getFields).map(f -> f.get("job") + "/" + f.get("to") + "/" + f.get("run")).toList();
        List<String> expected = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            expected.add("job-1/client-a/" + run);
        }
        assertThat(fields).containsExactlyElementsOf(expected);
        assertThat(describe(stores.get(0).list().get(0)))
                .isEqualTo("contended/job-1/client-a/envelope of job-1@" + (1_000 + runs * 1_000) + "#" + runs);
    }

    @Test
    void whatTasqDidNotWriteIsCleanedAwayAndNeverFillsTheAnswer() {
        RedisScheduleStore store = store("worker-1");
        redis.hset(Keys.name(keys.schedules()), "junk", "not a schedule");
        redis.zadd(Keys.name(keys.scheduleTimes()), 1, "junk");
        redis.zadd(Keys.name(keys.scheduleTimes()), 1, "orphan"); // a time with no job
        store.add(job("real", "job-1", 2));
        assertThat(store.due(10, 10)).extracting(Recurring::name).containsExactly("real");
        assertThat(redis.hkeys(Keys.name(keys.schedules()))).containsExactly("real");
        assertThat(redis.zrange(Keys.name(keys.scheduleTimes()), 0, -1)).containsExactly("real");
        List<StreamEntry> dead = redis.xrange(Keys.name(keys.dead()), (StreamEntryID) null, null);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getFields()).containsEntry("schedule", "junk").containsEntry("raw", "not a schedule")
                .hasEntrySatisfying("reason", r -> assertThat(r).startsWith("not a repeating job Tasq wrote"));
    }
}
