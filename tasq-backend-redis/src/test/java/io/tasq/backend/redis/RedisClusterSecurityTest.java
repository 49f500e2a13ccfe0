package io.tasq.backend.redis;

import static io.tasq.backend.redis.QueueFixture.bytes;
import static io.tasq.backend.redis.QueueFixture.send;
import static io.tasq.backend.redis.QueueFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobProducer;
import io.tasq.spi.ReplayGuard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.params.XAddParams;

/**
 * The scripts added for security stay legal on a Redis Cluster (every key they touch is in the
 * queue's slot): the size-checking read and the doorbell, refusals and the drop count, replay
 * claims moved by a hand-back and by {@code tq dead retry} (whose script makes the claim's key from
 * the queue's prefix).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RedisClusterSecurityTest {

    @TempDir
    static Path dir;

    private static RedisCluster cluster;

    private QueueFixture q;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void close() {
        if (q != null) {
            q.close();
        }
    }

    @Test
    void claimsRefusalsAndTheDoorbellWorkOnACluster() {
        q = new QueueFixture(cluster.url(TestRedis.newQueue()));
        Backend b = q.backend("envelope.max-bytes", "1024", "redis.dead-letter-max", "5");
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        ReplayGuard guard = q.consume(b, "worker-1", 4, got).feature(ReplayGuard.class).orElseThrow();

        send(p, "job-1", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        long expiry = System.currentTimeMillis() + 60_000;
        assertThat(guard.claim("client-a/job-1", got.get(0).id(), expiry)).isTrue();
        got.get(0).release();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(guard.claim("client-a/job-1", got.get(1).id(), expiry)).as("handed back").isTrue();
        got.get(1).reject("failed");
        await().atMost(Duration.ofSeconds(10)).until(() -> q.redis.xlen(q.dead) == 1);
        DeadLetters dead = b.feature(DeadLetters.class).orElseThrow();
        assertThat(dead.retry(List.of())).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        assertThat(guard.claim("client-a/job-1", got.get(2).id(), expiry)).as("sent back").isTrue();
        assertThat(guard.claim("client-a/job-1", "1-1", expiry)).as("a copy").isFalse();
        assertThat(got.get(2).defer(System.currentTimeMillis() + 100)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 4);
        assertThat(got.get(3).attempt()).isEqualTo(got.get(2).attempt());
        got.get(3).ack();

        for (int i = 0; i < 200; i++) {
            q.redis.xadd(bytes(q.jobs), XAddParams.xAddParams(), Map.of(bytes("body"), new byte[70_000]));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> dead.count() + dead.dropped() == 200);
        assertThat(dead.dropped()).isPositive();
        send(p, "after", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 5);
        assertThat(text(got.get(4).body())).isEqualTo("after");
    }
}
