package io.tasq.backend.redis;

import static io.tasq.backend.redis.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobProducer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dead letters are capped at about {@code redis.dead-letter-max}, oldest dropped first, and what
 * the cap drops is counted: kept plus dropped is every dead letter ever written.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadLetterCapTest {

    private final QueueFixture q = new QueueFixture();

    @AfterEach
    void close() {
        q.close();
    }

    @Test
    void whatTheCapDropsIsCountedAndTheRestKept() {
        Backend b = q.backend("redis.dead-letter-max", "10");
        DeadLetters dead = b.feature(DeadLetters.class).orElseThrow();
        assertThat(dead.dropped()).isZero();
        JobProducer p = b.openProducer("client-a", r -> { });
        q.consume(b, "worker-1", 16, d -> d.refuse("refused by the test"));
        int sent = 400;
        for (int i = 0; i < sent; i++) {
            send(p, "job-" + i, 0);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> dead.count() + dead.dropped() == sent);
        // XADD MAXLEN ~ trims whole nodes of the stream (100 entries each by default): about, not exactly
        assertThat(dead.count()).isGreaterThanOrEqualTo(10).isLessThan(sent);
        assertThat(dead.dropped()).isPositive();
        List<String> kept = dead.list(sent).stream().map(d -> d.reason()).distinct().toList();
        assertThat(kept).containsExactly("refused by the test");

        long dropped = dead.dropped();
        dead.purge(List.of());
        assertThat(dead.count()).isZero();
        assertThat(dead.dropped()).as("purging is not dropping").isEqualTo(dropped);
    }
}
