package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.tasq.JobOptions;
import io.tasq.TasqClient;
import io.tasq.core.worker.Worker;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whoever can publish to the broker can put anything in the job queue, with any headers: a worker
 * acts on none of it, except to refuse it, and keeps serving (issue 15).
 */
class UnverifiedMessagesTest extends BrokerTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The delay queues of {@code name} there are. */
    private static List<String> delayQueues(String name) throws Exception {
        return TestBroker.queuesOf(name).stream().filter(DelayQueues::isDelayQueue).toList();
    }

    private static void assertServes(TasqClient client, String what) {
        assertThat(client.scheduleBlocking(WAIT, () -> what, JobOptions.defaults())).isEqualTo(what);
    }

    @Test
    void aFarNotBeforeHeaderOnAnUnsignedMessageParksNothingAndStopsNoWorker() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        String dead = "tasq." + name + ".dead";
        // out of any range the broker takes, and sixty days out: they are waiting before any worker is up
        long sixtyDays = System.currentTimeMillis() + Duration.ofDays(60).toMillis();
        Map<String, Object> outOfRange = Map.of(Topology.NOT_BEFORE, 1_000_000_000_000_000L);
        Map<String, Object> later = Map.of(Topology.NOT_BEFORE, sixtyDays);
        declared(url);
        Forged.publish(name, "far", outOfRange, Forged.unsignedJob("far", "victim", 0));
        Forged.publish(name, "later", later, Forged.unsignedJob("later", "victim", sixtyDays));

        Worker first = startWorker(url, 1);
        await().atMost(WAIT).until(() -> messageCount(dead) == 2);
        TasqClient client = connected(url);
        assertServes(client, "first serves");
        assertThat(delayQueues(name)).isEmpty();

        // the same again for the next worker: it refuses them too, and serves
        first.stop(Duration.ofSeconds(5));
        Forged.publish(name, "far-2", outOfRange, Forged.unsignedJob("far-2", "victim", 0));
        Forged.publish(name, "later-2", later, Forged.unsignedJob("later-2", "victim", sixtyDays));
        Worker second = startWorker(url, 1);
        await().atMost(WAIT).until(() -> messageCount(dead) == 4);
        assertServes(client, "second serves");
        assertThat(second.stats().rejected()).isEqualTo(2);
        assertThat(delayQueues(name)).isEmpty();
        assertThat(messageCount("tasq." + name + ".jobs")).isZero();
    }

    @Test
    void forgedAttemptAndRunHeadersNeitherThrowNorStopTheWorker() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        // what the broker takes (it closes the connection of a publisher that sends a NaN)
        List<Object> forged = List.of("three", -5, 0, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 1e300, 1.5f,
                new java.math.BigDecimal("12.5"), new java.util.Date(), Map.of("nested", 1), List.of(1, 2),
                new byte[] {7}, true);
        declared(url);
        for (int i = 0; i < forged.size(); i++) {
            Map<String, Object> h = new HashMap<>();
            h.put(Topology.ATTEMPT, forged.get(i));
            h.put(Topology.RUN, forged.get(i));
            h.put("x-delivery-count", forged.get(i));
            Forged.publish(name, "forged-" + i, h, Forged.unsignedJob("forged-" + i, "victim", 0));
        }
        // one more with the highest count there is, a header that fills a whole frame (a copy that kept it would not
        // fit in one), and CC, which has the broker route a copy to another queue too
        String cc = "tasq." + name + ".cc";
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            ch.queueDeclare(cc, false, false, false, Map.of("x-expires", 600_000));
        }
        Map<String, Object> h = new HashMap<>();
        h.put(Topology.ATTEMPT, Integer.MAX_VALUE);
        h.put("x-padding", "p".repeat(120_000));
        h.put("CC", List.of(cc));
        Forged.publish(name, "big-headers", h, Forged.unsignedJob("big-headers", "victim", 0));
        int all = forged.size() + 1;
        // redelivered, the broker's own flag: each is copied with its attempt count raised before the worker sees it
        assertThat(takeWithoutAcknowledging("tasq." + name + ".jobs", all)).isEqualTo(all);

        Worker worker = startWorker(url, 2);
        String dead = "tasq." + name + ".dead";
        await().atMost(WAIT).until(() -> messageCount(dead) == all);
        // and the same again, delivered for the first time
        for (int i = 0; i < forged.size(); i++) {
            Map<String, Object> again = new HashMap<>();
            again.put(Topology.ATTEMPT, forged.get(i));
            again.put(Topology.RUN, forged.get(i));
            Forged.publish(name, "again-" + i, again, Forged.unsignedJob("again-" + i, "victim", 0));
        }
        Forged.publish(name, "big-headers-again", h, Forged.unsignedJob("big-headers-again", "victim", 0));
        await().atMost(WAIT).until(() -> messageCount(dead) == 2L * all);
        assertServes(connected(url), "still serving");
        assertThat(worker.stats().rejected()).isEqualTo(2L * all);
        assertThat(messageCount("tasq." + name + ".jobs")).isZero();
        assertThat(messageCount(cc)).isEqualTo(2); // the two published by hand; no copy of the worker's
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            ch.queueDelete(cc);
        }
    }

    /** Takes {@code n} messages as a worker that dies holding them: they come back flagged redelivered. */
    private static int takeWithoutAcknowledging(String queue, int n) throws Exception {
        int taken = 0;
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            while (taken < n && ch.basicGet(queue, false) != null) {
                taken++;
            }
        }
        return taken;
    }

    @Test
    void aRefusedMessageLeavesOnlyItsFirstBytesAndNoneOfItsHeadersInTheDeadLetters() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        byte[] big = new byte[100_000];
        new Random(15).nextBytes(big);
        Map<String, Object> h = new HashMap<>();
        h.put("x-custom", "c".repeat(10_000));
        h.put(Topology.REASON, "forged reason");
        h.put(Topology.DEAD_ID, "forged-id");
        h.put(Topology.ATTEMPT, 7);
        declared(url);
        Forged.publish(name, "big", h, big);
        startWorker(url, 1);
        String dead = "tasq." + name + ".dead";
        await().atMost(WAIT).until(() -> messageCount(dead) == 1);

        DeadLetters letters = rawBackend(url).feature(DeadLetters.class).orElseThrow();
        DeadLetter letter = letters.list(10).get(0);
        assertThat(letter.envelope()).isEqualTo(Arrays.copyOf(big, Limits.REFUSED_BYTES_KEPT));
        assertThat(letter.jobId()).isEqualTo("big");
        assertThat(letter.attempts()).isEqualTo(1);
        assertThat(letter.reason()).isNotEqualTo("forged reason");
        assertThat(letter.id()).isNotEqualTo("forged-id");
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            GetResponse r = ch.basicGet(dead, false);
            Map<String, Object> kept = r.getProps().getHeaders();
            assertThat(kept).doesNotContainKeys("x-custom", Topology.ATTEMPT)
                    .containsEntry(Topology.REFUSED_BYTES, 100_000L);
        }
        // the first bytes of a message cannot run: sending the dead letters back leaves them where they are
        assertThat(letters.retry(List.of())).isZero();
        assertThat(letters.count()).isEqualTo(1);
    }

    @Test
    void aSignedJobThatComesEarlyIsDeferredByItsSignedTimeWithItsAttemptCountAndRunsOnTime() {
        String url = newQueueUrl();
        Worker worker = startWorker(url, 1);
        TasqClient client = connected(url);
        List<Long> due = new ArrayList<>();
        List<io.tasq.TasqFuture<Long>> futures = new ArrayList<>();
        // 1,777 ms waits 1,700 in a delay queue, comes back early, and is deferred for the rest
        for (long delay : new long[] {1_777, 2_345, 3_456}) {
            due.add(System.currentTimeMillis() + delay);
            futures.add(client.schedule(System::currentTimeMillis, JobOptions.defaults().delay(Duration.ofMillis(delay))));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).unwrap(WAIT)).isGreaterThanOrEqualTo(due.get(i));
            assertThat(futures.get(i).result()).hasValueSatisfying(r -> assertThat(r.attempt()).isEqualTo(1));
        }
        assertThat(worker.stats().delayed()).isPositive();
    }

    @Test
    void aSignedJobDueInSixtyDaysWaitsInTheBrokerInHopsItAccepts() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        // the longest hop, 24 days, rounded down to two digits: it comes back early, and is deferred again
        String hop = "tasq." + name + ".delay." + DelayQueues.bucket(DelayQueues.MAX_DELAY_HOP_MILLIS);
        try {
            Worker worker = startWorker(url, 1);
            TasqClient client = connected(url);
            long sixtyDays = System.currentTimeMillis() + Duration.ofDays(60).toMillis();
            // in the job queue already, as if a clock had jumped: the worker defers it by its signed time
            Forged.publish(name, "jumped", Map.of(), Forged.signedJob(name, "jumped", "nobody", sixtyDays));
            // and one sent the usual way
            client.schedule(System::currentTimeMillis, JobOptions.named("in-sixty-days").delay(Duration.ofDays(60)));
            await().atMost(WAIT).until(() -> messageCount(hop) == 2);
            assertServes(client, "serving");
            assertThat(worker.stats().delayed()).isEqualTo(1);
            assertThat(messageCount("tasq." + name + ".jobs")).isZero();
            assertThat(messageCount("tasq." + name + ".dead")).isZero();
        } finally {
            try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
                ch.queueDelete(hop); // it would stay 24 days
            }
        }
    }
}
