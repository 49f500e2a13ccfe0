package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Providers;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamConsumerInfo;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The transport's own promises, through the SPI with opaque bodies: how each settlement leaves Redis,
 * redelivery and its attempt count, the prefetch, long jobs, results for a client that is away.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisDeliveryTest {

    private final String url = TestRedis.url(TestRedis.newQueue());
    private final Keys keys = TestRedis.keys(url);
    private final String jobs = Keys.name(keys.jobs());
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

    private Backend backend(String... settings) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            m.put(settings[i], settings[i + 1]);
        }
        Backend b = Providers.backend(url, Settings.of(m, "test"));
        opened.add(b);
        return b;
    }

    private static JobConsumer consume(Backend b, String workerId, int prefetch, List<Delivery> into) {
        JobConsumer c = b.openConsumer(new ConsumerOptions(workerId, prefetch));
        c.start(into::add);
        return c;
    }

    private static void send(JobProducer p, String jobId, String replyTo, long notBefore) {
        p.send(new OutboundJob(jobId, replyTo, bytes(jobId), notBefore)).toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void completePublishesTheResultAndLeavesNothingInTheStream() {
        Backend b = backend();
        List<byte[]> results = new CopyOnWriteArrayList<>();
        JobProducer p = b.openProducer("client-a", results::add);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        consume(b, "worker-1", 4, got);
        send(p, "job-1", "client-a", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        Delivery d = got.get(0);
        assertThat(text(d.body())).isEqualTo("job-1");
        assertThat(d.attempt()).isEqualTo(1);

        d.complete(new ResultMessage("client-a", "job-1", bytes("answer")));
        d.complete(new ResultMessage("client-a", "job-1", bytes("a second settlement does nothing")));
        await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 1);
        assertThat(text(results.get(0))).isEqualTo("answer");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(redis.xlen(jobs)).as("entries left").isZero();
            assertThat(redis.xpending(jobs, Keys.GROUP).getTotal()).as("pending").isZero();
        });
    }

    @Test
    void releaseHandsTheJobBackForPromptRedeliveryWithTheNextAttempt() {
        Backend b = backend(); // the visibility timeout stays 30 s: redelivery must not wait for it
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        consume(b, "worker-1", 4, got);
        send(p, "job-1", "client-a", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        got.get(0).release();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(text(got.get(1).body())).isEqualTo("job-1");
        assertThat(got.get(1).attempt()).isEqualTo(2);
        got.get(1).release();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        assertThat(got.get(2).attempt()).isEqualTo(3);
        got.get(2).ack();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(jobs) == 0);
    }

    @Test
    void rejectMovesTheJobToTheDeadLettersAndItIsNeverDeliveredAgain() {
        Backend b = backend("redis.visibility-timeout", "200ms");
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        consume(b, "worker-1", 4, got);
        send(p, "poison", "client-a", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        got.get(0).reject("it tastes bad");
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(Keys.name(keys.dead())) == 1);
        StreamEntry dead = redis.xrange(Keys.name(keys.dead()), (StreamEntryID) null, null).get(0);
        assertThat(dead.getFields()).containsEntry("reason", "it tastes bad").containsEntry("job", "poison")
                .containsEntry("to", "client-a").containsEntry("body", "poison").containsEntry("worker", "worker-1");
        // many visibility timeouts later it has still not come back
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> got.size() == 1);
        assertThat(redis.xlen(jobs)).isZero();
    }

    @Test
    void aWorkerHoldsNoMoreThanItsPrefetchUnsettled() {
        Backend b = backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        for (int i = 0; i < 5; i++) {
            send(p, "job-" + i, "client-a", 0);
        }
        List<Delivery> got = new CopyOnWriteArrayList<>();
        consume(b, "worker-1", 2, got);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> got.size() == 2);
        got.get(0).ack();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> got.size() == 3);
    }

    @Test
    void aJobLongerThanTheVisibilityTimeoutIsNotTakenOverWhileItsWorkerLives() {
        Backend b = backend("redis.visibility-timeout", "1s");
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> first = new CopyOnWriteArrayList<>();
        List<Delivery> second = new CopyOnWriteArrayList<>();
        consume(b, "worker-1", 1, first);
        send(p, "long-job", "client-a", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.size() == 1);
        consume(b, "worker-2", 1, second);
        // three visibility timeouts: worker-1 keeps its entry fresh, so worker-2 never takes it
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> second.isEmpty() && first.size() == 1);
        first.get(0).ack();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(jobs) == 0);
        assertThat(second).isEmpty();
    }

    @Test
    void theJobsOfALostWorkerAreTakenOverWithTheirDeliveryCount() {
        Backend b = backend("redis.visibility-timeout", "300ms");
        JobProducer p = b.openProducer("client-a", r -> { });
        opened.add(b.openConsumer(new ConsumerOptions("unstarted", 1))); // makes the group, reads nothing
        send(p, "orphan", "client-a", 0);
        // a worker that reads the entry and then vanishes without a word
        redis.xreadGroup(Keys.GROUP, "ghost", XReadGroupParams.xReadGroupParams().count(1),
                Map.of(jobs, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        List<Delivery> heir = new CopyOnWriteArrayList<>();
        consume(b, "worker-2", 1, heir);
        await().atMost(Duration.ofSeconds(10)).until(() -> heir.size() == 1);
        assertThat(text(heir.get(0).body())).isEqualTo("orphan");
        assertThat(heir.get(0).attempt()).isEqualTo(2);
    }

    @Test
    void closingAConsumerHandsBackWhatItHoldsAndForgetsItsConsumer() {
        Backend b = backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        JobConsumer c = consume(b, "worker-1", 2, got);
        send(p, "job-1", "client-a", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        c.close();
        assertThat(redis.xinfoConsumers2(jobs, Keys.GROUP)).extracting(StreamConsumerInfo::getName).doesNotContain("worker-1");
        List<Delivery> next = new CopyOnWriteArrayList<>();
        consume(b, "worker-2", 2, next);
        await().atMost(Duration.ofSeconds(10)).until(() -> next.size() == 1);
        assertThat(next.get(0).attempt()).isEqualTo(2);
        got.get(0).ack(); // too late: settled by the close already, does nothing
        next.get(0).ack();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(jobs) == 0);
    }

    @Test
    void resultsWaitForAClientThatIsAwayAndReachItWhenItComesBack() {
        Backend b = backend("redis.result-ttl", "10m");
        JobProducer away = b.openProducer("client-a", r -> { });
        send(away, "job-1", "client-a", 0);
        send(away, "job-2", "client-a", 0);
        away.close();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        consume(b, "worker-1", 4, got);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        for (Delivery d : got) {
            d.complete(new ResultMessage("client-a", text(d.body()), bytes("result of " + text(d.body()))));
        }
        String stream = Keys.name(keys.results("client-a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(stream) == 2);
        assertThat(redis.pttl(stream)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());

        List<String> results = new CopyOnWriteArrayList<>();
        b.openProducer("client-a", r -> results.add(text(r)));
        await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 2);
        assertThat(results).containsExactly("result of job-1", "result of job-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(stream) == 0); // deleted once handed over
    }

    @Test
    void resultsHeldForAClientThatIsAwayAreCapped() {
        Backend b = backend("redis.max-held-results", "3");
        JobConsumer c = b.openConsumer(new ConsumerOptions("worker-1", 1));
        opened.add(c);
        for (int i = 1; i <= 5; i++) {
            c.publish(new ResultMessage("nobody-home", "job-" + i, bytes("r" + i)));
        }
        String stream = Keys.name(keys.results("nobody-home"));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xrange(stream, (StreamEntryID) null, null).stream()
                .map(e -> e.getFields().get("body")).toList().equals(List.of("r3", "r4", "r5")));
    }

    @Test
    void aDelayedJobWaitsInRedisNotInAWorkerAndIsDeliveredNoEarlierThanDue() {
        Backend b = backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        long due = System.currentTimeMillis() + 1_500;
        send(p, "later", "client-a", due);
        assertThat(redis.zcard(Keys.name(keys.delayed()))).isEqualTo(1);
        assertThat(redis.xlen(jobs)).isZero();
        List<Long> deliveredAt = new CopyOnWriteArrayList<>();
        JobConsumer c = b.openConsumer(new ConsumerOptions("worker-1", 4));
        opened.add(c);
        c.start(d -> {
            deliveredAt.add(System.currentTimeMillis());
            d.ack();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveredAt.size() == 1);
        assertThat(deliveredAt.get(0)).isGreaterThanOrEqualTo(due);
        assertThat(redis.zcard(Keys.name(keys.delayed()))).isZero();
    }

    @Test
    void deferHoldsAnEarlyJobInRedisUntilItsTimeAndItComesBackWithTheSameAttempt() {
        Backend b = backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        List<Long> deliveredAt = new CopyOnWriteArrayList<>();
        JobConsumer c = b.openConsumer(new ConsumerOptions("worker-1", 4));
        opened.add(c);
        c.start(d -> {
            deliveredAt.add(System.currentTimeMillis());
            got.add(d);
        });
        send(p, "early", "client-a", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        got.get(0).release(); // a second delivery: the deferral must keep attempt 2
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got.get(1).attempt()).isEqualTo(2);

        long due = System.currentTimeMillis() + 1_500;
        assertThat(got.get(1).defer(due)).isTrue();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(redis.zcard(Keys.name(keys.delayed()))).as("waiting in the delayed set").isEqualTo(1);
            assertThat(redis.xlen(jobs)).as("entries").isZero();
            assertThat(redis.xpending(jobs, Keys.GROUP).getTotal()).as("pending").isZero();
        });
        got.get(1).ack(); // settled already: does nothing
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        assertThat(deliveredAt.get(2)).isGreaterThanOrEqualTo(due);
        assertThat(text(got.get(2).body())).isEqualTo("early");
        assertThat(got.get(2).attempt()).isEqualTo(2);
        got.get(2).ack();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(jobs) == 0
                && redis.zcard(Keys.name(keys.delayed())) == 0);
    }
}
