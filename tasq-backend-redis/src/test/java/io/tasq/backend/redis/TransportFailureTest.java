package io.tasq.backend.redis;

import static io.tasq.backend.redis.QueueFixture.bytes;
import static io.tasq.backend.redis.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobListener;
import io.tasq.spi.JobProducer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.params.XAddParams;

/**
 * A reader thread that dies tells the worker once; refusals, garbage and a lost server never do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportFailureTest {

    private final QueueFixture q = new QueueFixture();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        q.close();
    }

    @Test
    void aReaderThatDiesTellsTheWorkerOnceAndTakesNothingMore() {
        Backend b = q.backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        AssertionError death = new AssertionError("the listener broke (a stand-in for an OutOfMemoryError)");
        q.consume(b, "worker-1", 4, new JobListener() {
            @Override
            public void onJob(Delivery delivery) {
                got.add(delivery);
                throw death;
            }

            @Override
            public void onTransportFailure(Throwable cause) {
                failures.add(cause);
            }
        });
        send(p, "job-1", 0);
        // the reader rethrows the Error it died of once the worker is told: that is expected here, so
        // Awaitility must not take it for a failure of the wait
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> failures.size() == 1);
        assertThat(failures.get(0)).isSameAs(death);
        send(p, "job-2", 0);
        await().dontCatchUncaughtExceptions().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> got.size() == 1 && failures.size() == 1);
    }

    @Test
    void refusalsAndGarbageNeverEndTheReader() {
        Backend b = q.backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        q.consume(b, "worker-1", 4, new JobListener() {
            @Override
            public void onJob(Delivery delivery) {
                got.add(delivery);
                delivery.refuse("refused by the test");
            }

            @Override
            public void onTransportFailure(Throwable cause) {
                failures.add(cause);
            }
        });
        q.redis.xadd(q.jobs, XAddParams.xAddParams(), Map.of("no", "body"));
        q.redis.xadd(bytes(q.jobs), XAddParams.xAddParams(), Map.of(bytes("body"), new byte[0], bytes("tries"),
                bytes("-1"), bytes("run"), bytes("x")));
        for (int i = 0; i < 20; i++) {
            send(p, "job-" + i, 0);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> q.redis.xlen(q.dead) == 22);
        assertThat(got).hasSize(21);
        assertThat(failures).isEmpty();
    }
}
