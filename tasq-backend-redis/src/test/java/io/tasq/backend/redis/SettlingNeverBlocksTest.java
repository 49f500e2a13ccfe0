package io.tasq.backend.redis;

import static io.tasq.backend.redis.QueueFixture.bytes;
import static io.tasq.backend.redis.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.JobProducer;
import io.tasq.spi.Providers;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SPI's rule that settling and publishing never block the caller (docs/spi.md), where it can
 * be seen: with the server frozen, a worker's actor that settles a job gets its thread back at
 * once, and what it settled reaches the server once it answers again.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SettlingNeverBlocksTest {

    /** A blocking call would wait for the frozen server until its socket timed out (seconds). */
    private static final long AT_ONCE_MILLIS = 1_000;

    @TempDir
    Path dir;

    @Test
    void aFrozenServerHoldsUpNoSettlementAndGetsThemAllWhenItAnswersAgain() {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
                Backend b = Providers.backend(server.url("frozen"), Settings.empty())) {
            List<byte[]> results = new CopyOnWriteArrayList<>();
            JobProducer p = b.openProducer("client-a", results::add);
            List<Delivery> got = new CopyOnWriteArrayList<>();
            JobConsumer c = b.openConsumer(new ConsumerOptions("worker-1", 8));
            c.start((JobListener) got::add);
            for (int i = 1; i <= 4; i++) {
                send(p, "job-" + i, 0);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 4);

            server.freeze();
            try {
                assertReturnsAtOnce(() -> got.get(0).complete(new ResultMessage("client-a", "job-1", bytes("one"))));
                assertReturnsAtOnce(() -> got.get(1).ack());
                assertReturnsAtOnce(() -> got.get(2).reject("refused by the test"));
                assertReturnsAtOnce(() -> c.publish(new ResultMessage("client-a", "job-9", bytes("held"))));
            } finally {
                server.thaw();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 2);
            assertThat(results).extracting(QueueFixture::text).containsExactlyInAnyOrder("one", "held");
            try (var j = new redis.clients.jedis.Jedis("127.0.0.1", server.port())) {
                Keys keys = TestRedis.keys(server.url("frozen"));
                await().atMost(Duration.ofSeconds(30)).until(() -> j.xlen(Keys.name(keys.dead())) == 1);
                assertThat(j.xpending(Keys.name(keys.jobs()), Keys.GROUP).getTotal())
                        .as("only job-4, never settled, is still pending").isEqualTo(1);
            }
            got.get(3).release();
        }
    }

    private static void assertReturnsAtOnce(Runnable settle) {
        long start = System.nanoTime();
        settle.run();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(tookMillis).as("a settlement's call while the server is frozen, in ms").isLessThan(AT_ONCE_MILLIS);
    }
}
