package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The backend SPI itself: attempt counting, settling, retrying, pausing, dead letters, and results
 * kept for a client that is away.
 */
class SpiTest extends BrokerTestSupport {

    private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private JobConsumer consumer(Backend backend, String id) {
        JobConsumer c = closeLater(backend.openConsumer(new ConsumerOptions(id, 4)));
        c.start(deliveries::add);
        return c;
    }

    private static void send(JobProducer p, String jobId, String replyTo) throws Exception {
        p.send(new OutboundJob(jobId, replyTo, bytes("job " + jobId), 0)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private Delivery next() throws InterruptedException {
        Delivery d = deliveries.poll(30, TimeUnit.SECONDS);
        assertThat(d).as("a delivery within 30 s").isNotNull();
        return d;
    }

    @Test
    void everyDeliveryCountsAsAnAttemptAndAnAcknowledgedJobIsGone() throws Exception {
        String url = newQueueUrl();
        Backend backend = rawBackend(url);
        JobProducer producer = closeLater(backend.openProducer("spi-client", body -> { }));
        consumer(backend, "spi-worker");
        send(producer, "j1", "spi-client");
        for (int attempt = 1; attempt <= 3; attempt++) {
            Delivery d = next();
            assertThat(d.attempt()).isEqualTo(attempt);
            assertThat(text(d.body())).isEqualTo("job j1");
            if (attempt < 3) {
                d.release();
            } else {
                d.ack();
            }
        }
        assertThat(deliveries.poll(1, TimeUnit.SECONDS)).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> messageCount("tasq." + TestBroker.nameOf(url) + ".jobs") == 0);
    }

    @Test
    void aDeliveryIsSettledOnceLaterSettlementsDoNothing() throws Exception {
        String url = newQueueUrl();
        Backend backend = rawBackend(url);
        List<String> results = new CopyOnWriteArrayList<>();
        JobProducer producer = closeLater(backend.openProducer("once", body -> results.add(text(body))));
        consumer(backend, "spi-worker");
        send(producer, "j1", "once");
        Delivery d = next();
        d.complete(new ResultMessage("once", "j1", bytes("first")));
        d.complete(new ResultMessage("once", "j1", bytes("second")));
        d.reject("too late");
        d.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 1);
        assertThat(results).containsExactly("first");
        assertThat(deliveries.poll(1, TimeUnit.SECONDS)).isNull();
        String name = TestBroker.nameOf(url);
        assertThat(messageCount("tasq." + name + ".jobs")).isZero();
        assertThat(messageCount("tasq." + name + ".dead")).isZero();
    }

    @Test
    void aPausedConsumerTakesNoNewJobsAndAClosedOneHandsBackWhatItHeld() throws Exception {
        String url = newQueueUrl();
        String jobs = "tasq." + TestBroker.nameOf(url) + ".jobs";
        Backend backend = rawBackend(url);
        JobProducer producer = closeLater(backend.openProducer("spi-client", body -> { }));
        JobConsumer first = consumer(backend, "first");
        send(producer, "held", "spi-client");
        Delivery held = next();
        first.pause();
        send(producer, "waiting", "spi-client");
        assertThat(deliveries.poll(1, TimeUnit.SECONDS)).isNull();
        assertThat(messageCount(jobs)).isEqualTo(1);
        first.close(); // "held" was never settled: the broker takes it back
        assertThat(held.attempt()).isEqualTo(1);

        consumer(backend, "second");
        Delivery a = next();
        Delivery b = next();
        assertThat(List.of(text(a.body()), text(b.body()))).containsExactlyInAnyOrder("job held", "job waiting");
        Delivery again = text(a.body()).equals("job held") ? a : b;
        assertThat(again.attempt()).isEqualTo(2);
        a.ack();
        b.ack();
    }

    @Test
    void aConsumerHoldsAtMostItsPrefetchUnsettled() throws Exception {
        String url = newQueueUrl("prefetch=3");
        Backend backend = rawBackend(url);
        JobProducer producer = closeLater(backend.openProducer("spi-client", body -> { }));
        for (int i = 0; i < 10; i++) {
            send(producer, "p" + i, "spi-client");
        }
        consumer(backend, "spi-worker");
        List<Delivery> held = List.of(next(), next(), next());
        assertThat(deliveries.poll(1, TimeUnit.SECONDS)).isNull();
        held.get(0).ack(); // one settled: one more comes, and no other
        assertThat(next()).isNotNull();
        assertThat(deliveries.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aRetriedDeliveryComesBackAsTheNextAttemptNoEarlierThanAsked() throws Exception {
        String url = newQueueUrl();
        Backend backend = rawBackend(url);
        JobProducer producer = closeLater(backend.openProducer("spi-client", body -> { }));
        consumer(backend, "spi-worker");
        send(producer, "r1", "spi-client");
        Delivery d = next();
        long due = System.currentTimeMillis() + 1_500;
        assertThat(d.retry(due)).isTrue();
        Delivery again = next();
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(due);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(text(again.body())).isEqualTo("job r1");
        again.ack();
        await().atMost(Duration.ofSeconds(5)).until(() -> messageCount("tasq." + TestBroker.nameOf(url) + ".jobs") == 0);
    }

    @Test
    void aJobTheWorkerHoldsItselfGoesToTheDeadLettersThroughTheConsumer() throws Exception {
        String url = newQueueUrl();
        Backend backend = rawBackend(url);
        JobConsumer c = consumer(backend, "spi-worker");
        c.deadLetter("held-1", "spi-client", bytes("job held-1"), "failed after 4 attempts", 4);
        io.tasq.spi.DeadLetters dead = backend.feature(DeadLetters.class).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> dead.count() == 1);
        assertThat(dead.list(10)).singleElement().satisfies(l -> {
            assertThat(l.jobId()).isEqualTo("held-1");
            assertThat(text(l.envelope())).isEqualTo("job held-1");
            assertThat(l.reason()).isEqualTo("failed after 4 attempts");
            assertThat(l.attempts()).isEqualTo(4);
        });
        assertThat(dead.purge(List.of(dead.list(1).get(0).id()))).isEqualTo(1);
        assertThat(dead.count()).isZero();
    }

    @Test
    void resultsForAClientThatIsAwayWaitInItsReplyQueueUntilItComesBack() throws Exception {
        String url = newQueueUrl();
        Backend backend = rawBackend(url);
        JobProducer away = backend.openProducer("returning", body -> { });
        for (int i = 0; i < 5; i++) {
            send(away, "r" + i, "returning");
        }
        away.close();
        JobConsumer worker = consumer(backend, "spi-worker");
        for (int i = 0; i < 5; i++) {
            Delivery d = next();
            String jobId = text(d.body()).substring(4);
            d.complete(new ResultMessage("returning", jobId, bytes("result of " + jobId)));
        }
        worker.close(); // returns once the broker confirmed every result it published
        String replies = "tasq." + TestBroker.nameOf(url) + ".reply.returning";
        // results the worker had ready together may share a message
        assertThat(messageCount(replies)).isBetween(1L, 5L);

        List<String> results = new CopyOnWriteArrayList<>();
        closeLater(backend.openProducer("returning", body -> results.add(text(body))));
        await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 5);
        assertThat(results).containsExactlyInAnyOrder("result of r0", "result of r1", "result of r2", "result of r3",
                "result of r4");
    }
}
