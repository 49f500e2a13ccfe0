package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Poison: what was not written by Tasq, and jobs that every worker dies on, go to the dead letters
 * with the reason, never stop a worker, and never stay in the stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoisonTest {

    private final String url = TestRedis.url(TestRedis.newQueue());
    private final Keys keys = TestRedis.keys(url);
    private final String jobs = Keys.name(keys.jobs());
    private final String dead = Keys.name(keys.dead());

    @AfterEach
    void deleteQueue() {
        TestRedis.deleteQueues(List.of(url));
    }

    @Test
    void garbageWrittenStraightIntoRedisIsDeadLetteredAndTheWorkerKeepsServing() {
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(2).build().start();
        try (Jedis redis = TestRedis.jedis(url);
                TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            byte[] noise = new byte[300];
            new Random(7).nextBytes(noise);
            redis.xadd(jobs, XAddParams.xAddParams(), Map.of("hello", "world"));
            redis.xadd(Keys.bytes(jobs), XAddParams.xAddParams(), Map.of(Keys.bytes("body"), noise));
            redis.xadd(jobs, XAddParams.xAddParams(), Map.of("body", "", "job", "empty", "to", "someone"));
            redis.zadd(Keys.name(keys.delayed()), 0, "not:a:delayed:job");

            await().atMost(Duration.ofSeconds(20)).until(() -> redis.xlen(dead) == 4);
            List<String> reasons = redis.xrange(dead, (StreamEntryID) null, null).stream()
                    .map(e -> e.getFields().get("reason")).toList();
            assertThat(reasons).anySatisfy(r -> assertThat(r).contains("no 'body' field"))
                    .anySatisfy(r -> assertThat(r).contains("not a delayed job Tasq wrote"))
                    .filteredOn(r -> r.contains("not a Tasq envelope") || r.contains("truncated")).hasSize(2);
            assertThat(worker.stats().rejected()).isEqualTo(2); // the two with a body reached the worker

            client.connect();
            assertThat(client.scheduleBlocking(Duration.ofSeconds(20), () -> "still serving", JobOptions.defaults()))
                    .isEqualTo("still serving");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(redis.xlen(jobs)).as("entries left in the stream").isZero();
                assertThat(redis.xpending(jobs, Keys.GROUP).getTotal()).as("pending").isZero();
                assertThat(redis.zcard(Keys.name(keys.delayed()))).isZero();
            });
        } finally {
            worker.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aJobDeliveredMoreThanMaxAttemptsTimesIsDeadLetteredInsteadOfKillingAnotherWorker() {
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker().with(Map.of(
                "redis.visibility-timeout", "200ms", "redis.max-attempts", "3"), "test")).concurrency(1).build();
        try (Jedis redis = TestRedis.jedis(url)) {
            redis.xgroupCreate(jobs, Keys.GROUP, new StreamEntryID(), true);
            StreamEntryID id = redis.xadd(jobs, XAddParams.xAddParams(),
                    Map.of("job", "deadly", "to", "someone", "body", "whatever it is, it kills workers"));
            // three workers took it and died: the last one holds it, delivered 3 times
            redis.xreadGroup(Keys.GROUP, "victim", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(jobs, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            redis.xclaim(jobs, Keys.GROUP, "victim", 0, XClaimParams.xClaimParams().retryCount(3), id);

            worker.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.xlen(dead) == 1);
            StreamEntry letter = redis.xrange(dead, (StreamEntryID) null, null).get(0);
            assertThat(letter.getFields()).containsEntry("job", "deadly").containsEntry("entry", id.toString());
            assertThat(letter.getFields().get("reason")).contains("delivered 4 times").contains("redis.max-attempts");
            assertThat(redis.xlen(jobs)).isZero();
            assertThat(worker.stats().received()).isZero();
        } finally {
            worker.stop(Duration.ofSeconds(5));
        }
    }
}
