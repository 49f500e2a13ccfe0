package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.Providers;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.Settings;
import io.tasq.spi.WorkerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * What {@code tq inspect} reads of a Redis queue: workers announce themselves with their heartbeat
 * and drop off when they stop or vanish, leaving no key behind; the depth matches a known state.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisAdminTest {

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

    private QueueAdmin admin() {
        Backend b = Providers.backend(url, Settings.empty());
        opened.add(b);
        return b.feature(QueueAdmin.class).orElseThrow();
    }

    private Worker worker(int concurrency) {
        Worker w = Worker.builder().backend(url).settings(TestKeys.worker().with("worker.heartbeat", "200ms", "test"))
                .concurrency(concurrency).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    private TasqClient client(boolean signed) {
        TasqClient c = signed ? Tasq.builder().url(url).settings(TestKeys.client()).client()
                : Tasq.builder().url(url).setting("sign.algorithm", "none").client();
        opened.add(c);
        c.connect();
        return c;
    }

    private static WorkerInfo info(String id, long intervalMillis) {
        return new WorkerInfo(id, "host-1", 42, "redis://test", "actor", 3, 1_000, 5, 1, 0, 2, 0,
                System.currentTimeMillis(), intervalMillis, 12.5, 80.0);
    }

    private boolean exists(byte[] key) {
        return redis.exists(key);
    }

    @Test
    void aRunningWorkerIsListedWithWhatItDidAndDropsOffAtOnceWhenItStops() {
        QueueAdmin admin = admin();
        assertThat(admin.workers()).isEmpty();
        Worker worker = worker(2);
        assertThat(client(true).schedule(() -> "ran").unwrap(Duration.ofSeconds(30))).isEqualTo("ran");
        long before = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.workers()).singleElement()
                .satisfies(w -> {
                    assertThat(w.workerId()).isEqualTo(worker.id());
                    assertThat(w.pid()).isEqualTo(ProcessHandle.current().pid());
                    assertThat(w.host()).isNotBlank();
                    assertThat(w.backend()).contains("name=" + TestRedis.settings(url).queue());
                    assertThat(w.workerType()).isEqualTo("actor");
                    assertThat(w.concurrency()).isEqualTo(2);
                    assertThat(w.succeeded()).isEqualTo(1);
                    assertThat(w.failed()).isZero();
                    assertThat(w.intervalMillis()).isEqualTo(200);
                    assertThat(w.startedAtMillis()).isLessThanOrEqualTo(before);
                    assertThat(w.heartbeatAtMillis()).isGreaterThan(before);
                }));
        assertThat(exists(keys.worker(worker.id()))).isTrue();
        assertThat(redis.pttl(keys.worker(worker.id()))).isBetween(1L, 600L);

        worker.stop(Duration.ofSeconds(5));
        // a worker that stops says so: gone at once, not after three heartbeat intervals
        assertThat(admin.workers()).isEmpty();
        assertThat(exists(keys.worker(worker.id()))).isFalse();
        assertThat(exists(keys.workers())).isFalse();
    }

    @Test
    void aWorkerThatVanishesDropsOffWithinThreeIntervalsAndLeavesNoKey() {
        QueueAdmin admin = admin();
        Backend b = Providers.backend(url, Settings.empty());
        opened.add(b);
        JobConsumer lost = b.openConsumer(new ConsumerOptions("w-lost", 1));
        JobConsumer alive = b.openConsumer(new ConsumerOptions("w-alive", 1));
        WorkerInfo aliveInfo = info("w-alive", 10_000);
        lost.heartbeat(info("w-lost", 100));
        alive.heartbeat(aliveInfo);
        // every field comes back as sent, and the list is by id
        assertThat(admin.workers()).extracting(WorkerInfo::workerId).containsExactly("w-alive", "w-lost");
        assertThat(admin.workers().get(0)).isEqualTo(aliveInfo);

        // w-lost sends no more heartbeats: gone after 300 ms, its hash expired
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(admin.workers()).extracting(WorkerInfo::workerId).containsExactly("w-alive");
            assertThat(exists(keys.worker("w-lost"))).isFalse();
        });
        // the next heartbeat of any worker prunes the index, which never outlives its last worker
        alive.heartbeat(info("w-alive", 10_000));
        assertThat(redis.zrange(Keys.name(keys.workers()), 0, -1)).containsExactly("w-alive");
        assertThat(redis.pttl(keys.workers())).isBetween(1L, 30_000L);
        alive.close();
        assertThat(admin.workers()).isEmpty();
        assertThat(exists(keys.workers())).isFalse();
        lost.close();
    }

    @Test
    void theDepthMatchesAKnownState() {
        QueueAdmin admin = admin();
        assertThat(admin.stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
        Worker worker = worker(1);
        TasqClient client = client(true);

        // one job running: in flight, not waiting
        TasqFuture<String> napping = client.schedule(TestJobs::nap, "admin-nap", 3_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.stats().equals(new QueueStats(0, 1, 0, 0)));
        assertThat(napping.unwrap(Duration.ofSeconds(30))).isEqualTo("slept");

        // an unsigned job is refused without a reply: one dead letter, and its future waits
        TasqFuture<String> refused = client(false).schedule(() -> "never");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.stats().equals(new QueueStats(0, 0, 0, 1)));

        // no worker any more: three jobs wait, two wait for their time
        worker.stop(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            client.schedule(() -> "later");
        }
        for (int i = 0; i < 2; i++) {
            client.schedule(() -> "in an hour", JobOptions.named("delayed-" + i).delay(Duration.ofHours(1)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.stats().equals(new QueueStats(3, 0, 2, 1)));
        assertThat(admin.workers()).isEmpty();
    }
}
