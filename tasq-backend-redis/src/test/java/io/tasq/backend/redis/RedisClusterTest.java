package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.Providers;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.Settings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Queues on a real Redis Cluster (three masters, three replicas, started for each test): they spread
 * over the masters, and a failover in the middle of a run, graceful or by killing the master, loses
 * no job.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RedisClusterTest {

    @TempDir
    Path dir;

    private RedisCluster cluster;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = RedisCluster.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        cluster.close();
    }

    private Worker worker(String url, Settings settings) {
        Worker w = Worker.builder().backend(url).settings(settings).concurrency(3).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    private TasqClient client(String url) {
        TasqClient c = Tasq.builder().url(url).settings(TestKeys.client()).client();
        opened.add(c);
        c.connect();
        return c;
    }

    @Test
    void queuesLandOnTheMastersOfTheirSlotsAndEachWorks() {
        List<Integer> masters = cluster.masters();
        assertThat(masters).hasSize(3);
        List<String> queues = masters.stream().map(cluster::queueOn).toList();
        List<List<TasqFuture<Integer>>> futures = new ArrayList<>();
        for (String q : queues) {
            String url = cluster.url(q);
            worker(url, TestKeys.worker());
            TasqClient c = client(url);
            List<TasqFuture<Integer>> mine = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                mine.add(c.schedule(n -> n + 1, i));
            }
            futures.add(mine);
        }
        CompletableFuture.allOf(futures.stream().flatMap(List::stream).toArray(CompletableFuture[]::new))
                .orTimeout(60, TimeUnit.SECONDS).join();
        for (List<TasqFuture<Integer>> mine : futures) {
            for (int i = 0; i < mine.size(); i++) {
                assertThat(mine.get(i).join()).isEqualTo(i + 1);
            }
        }
        for (int i = 0; i < queues.size(); i++) {
            // each queue's keys live on its own master, and nowhere else
            int slot = RedisCluster.slotOf(queues.get(i));
            for (int m : masters) {
                try (Jedis j = RedisCluster.jedis(m)) {
                    assertThat(j.clusterCountKeysInSlot(slot) > 0).as("keys of %s on %d", queues.get(i), m)
                            .isEqualTo(m == masters.get(i));
                }
            }
            try (Backend b = Providers.backend(cluster.url(queues.get(i)), Settings.empty())) {
                assertThat(b.feature(QueueAdmin.class).orElseThrow().workers()).hasSize(1);
                assertThat(b.feature(QueueAdmin.class).orElseThrow().stats().inFlight()).isZero();
            }
        }
    }

    @Test
    void aGracefulFailoverDuringARunLosesNoJob() throws Exception {
        String queue = cluster.queueOn(cluster.masters().get(0));
        String url = cluster.url(queue);
        int before = cluster.masterOf(queue);
        Settings settings = TestKeys.worker().with("redis.visibility-timeout", "2s", "test");
        Worker a = worker(url, settings);
        Worker b = worker(url, settings);
        TasqClient client = client(url);
        int jobs = 3_000;
        Path gate = dir.resolve("gate-failover");
        List<TasqFuture<Integer>> futures = gated(client, gate, jobs / 2, 1_000_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> entriesAdded(queue) >= jobs / 2);
        // the first six jobs are running, the rest waiting in the stream, when the failover starts
        assertThat(done(futures)).isZero();
        Files.createFile(gate);
        int after = cluster.failover(queue);
        assertThat(after).isNotEqualTo(before);
        for (int i = jobs / 2; i < jobs; i++) {
            futures.add(client.schedule(n -> n * 2, i));
        }
        assertEveryJobDone(futures, jobs, a, b);
    }

    @Test
    void aMasterKilledDuringARunIsReplacedByItsReplicaAndNoReplicatedJobIsLost() throws Exception {
        String queue = cluster.queueOn(cluster.masters().get(1));
        String url = cluster.url(queue);
        int master = cluster.masterOf(queue);
        int replica = cluster.replicaOf(master);
        Settings settings = TestKeys.worker().with("redis.visibility-timeout", "2s", "test");
        Worker a = worker(url, settings);
        Worker b = worker(url, settings);
        TasqClient client = client(url);
        int jobs = 3_000;
        Path gate = dir.resolve("gate-kill");
        List<TasqFuture<Integer>> futures = gated(client, gate, jobs / 2, 1_000_000);
        // replication is asynchronous: what the master took but had not passed on when it died is lost
        // with it, so the kill waits until the replica has every submission
        await().atMost(Duration.ofSeconds(30)).until(() -> entriesAdded(queue) >= jobs / 2);
        try (Jedis m = RedisCluster.jedis(master); Jedis r = RedisCluster.jedis(replica)) {
            long offset = replicationOffset(m, "master_repl_offset:");
            await().atMost(Duration.ofSeconds(30)).until(() -> replicationOffset(r, "slave_repl_offset:") >= offset);
        }
        // six jobs running, the rest waiting in the stream, when the master dies
        assertThat(done(futures)).isZero();
        cluster.kill(master);
        Files.createFile(gate); // the running ones finish while the queue has no master
        // submitted while the queue has no master: the client keeps them until the replica has taken over
        for (int i = jobs / 2; i < jobs; i++) {
            futures.add(client.schedule(n -> n * 2, i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.masterOrNone(queue) == replica);
        assertEveryJobDone(futures, jobs, a, b);
    }

    /** {@code count} jobs that each wait for {@code gate} to exist, work {@code nanos} and return twice their number. */
    private static List<TasqFuture<Integer>> gated(TasqClient client, Path gate, int count, long nanos) {
        String path = gate.toString();
        List<TasqFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(client.schedule(n -> {
                while (!new File(path).exists()) {
                    LockSupport.parkNanos(1_000_000);
                }
                LockSupport.parkNanos(nanos);
                return n * 2;
            }, i));
        }
        return futures;
    }

    private static long done(List<TasqFuture<Integer>> futures) {
        return futures.stream().filter(CompletableFuture::isDone).count();
    }

    /** How many entries the queue's stream has taken so far, asked of its master. */
    private long entriesAdded(String queue) {
        try (Jedis j = RedisCluster.jedis(cluster.masterOf(queue))) {
            Object added = j.xinfoStream(Keys.name(new Keys(queue).jobs())).getStreamInfo().get("entries-added");
            return added == null ? 0 : ((Number) added).longValue();
        }
    }

    private static long replicationOffset(Jedis j, String field) {
        for (String line : j.info("replication").split("\r?\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).strip());
            }
        }
        throw new AssertionError(field + " not in INFO replication");
    }

    /** Every future completed with its value (each once, by construction), every job run at least once. */
    private static void assertEveryJobDone(List<TasqFuture<Integer>> futures, int jobs, Worker a, Worker b) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(futures.stream()
                .filter(f -> !f.isDone()).count()).as("jobs without a result").isZero());
        Set<Integer> values = new HashSet<>();
        for (int i = 0; i < jobs; i++) {
            assertThat(futures.get(i).join()).as("job %d", i).isEqualTo(i * 2);
            values.add(futures.get(i).join());
        }
        assertThat(values).hasSize(jobs);
        assertThat(a.stats().succeeded() + b.stats().succeeded()).isGreaterThanOrEqualTo(jobs);
    }
}
