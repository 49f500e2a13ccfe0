package io.tasq.backend.redis;

import static io.tasq.backend.redis.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.ReplayGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * The queue's memory of jobs taken, on a real Redis: one delivery of a job claims it for every
 * worker until the job's expiry; the same delivery (its entry taken over) keeps it; a job sent round
 * again by its worker (handed back, retried, deferred, sent back from the dead letters) is not taken
 * for a replay of itself, while a copy written again is.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisReplayGuardTest {

    private final QueueFixture q = new QueueFixture();

    @AfterEach
    void close() {
        q.close();
    }

    private static long in(Duration d) {
        return System.currentTimeMillis() + d.toMillis();
    }

    private ReplayGuard guard(Backend b, String workerId) {
        JobConsumer c = b.openConsumer(new ConsumerOptions(workerId, 1));
        return c.feature(ReplayGuard.class).orElseThrow();
    }

    /** A worker's guard, and the first delivery of job-1 of client-a, claimed by that delivery until {@code expiry}. */
    private record Claimed(Backend backend, JobProducer producer, List<Delivery> got, ReplayGuard guard, long expiry) {
    }

    private Claimed firstDeliveryClaimed() {
        Backend b = q.backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        List<Delivery> got = new CopyOnWriteArrayList<>();
        ReplayGuard guard = q.consume(b, "worker-1", 2, got).feature(ReplayGuard.class).orElseThrow();
        send(p, "job-1", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        long expiry = in(Duration.ofMinutes(1));
        assertThat(guard.claim("client-a/job-1", got.get(0).id(), expiry)).isTrue();
        return new Claimed(b, p, got, guard, expiry);
    }

    @Test
    void aJobIsClaimedByOneDeliveryUntilItExpires() {
        ReplayGuard guard = guard(q.backend(), "worker-1");
        long expiry = in(Duration.ofMinutes(1));
        assertThat(guard.claim("client-a/job-1", "1-0", expiry)).isTrue();
        assertThat(guard.claim("client-a/job-1", "2-0", expiry)).as("a replay").isFalse();
        assertThat(guard.claim("client-a/job-1", "1-0", expiry)).as("the same delivery again").isTrue();
        assertThat(guard.claim("client-a/job-2", "2-0", expiry)).as("another job").isTrue();
        assertThat(guard.claim("client-a/job-3", "", expiry)).isTrue();
        assertThat(guard.claim("client-a/job-3", "", expiry)).as("no delivery id matches nothing").isFalse();

        String key = Keys.name(q.keys.taken("client-a/job-1"));
        assertThat(key).startsWith("tasq:{" + TestRedis.settings(q.url).queue() + "}:");
        assertThat(q.redis.get(key)).isEqualTo("1-0");
        assertThat(q.redis.pttl(key)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1).toMillis());

        long soon = in(Duration.ofMillis(300));
        assertThat(guard.claim("client-a/job-4", "1-0", soon)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> guard.claim("client-a/job-4", "2-0", soon));
        assertThat(guard.claim("client-a/job-5", "1-0", in(Duration.ofMillis(-1000)))).as("already expired").isTrue();
    }

    @Test
    void releaseLetsTheNextDeliveryClaimIt() {
        ReplayGuard guard = guard(q.backend(), "worker-1");
        assertThat(guard.claim("k", "1-0", in(Duration.ofMinutes(1)))).isTrue();
        guard.release("k");
        assertThat(guard.claim("k", "2-0", in(Duration.ofMinutes(1)))).isTrue();
        assertThat(q.redis.exists(Keys.name(q.keys.taken("k")))).isTrue();
    }

    @Test
    void ofWorkersRacingToClaimTheSameJobExactlyOneWins() throws Exception {
        List<ReplayGuard> guards = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            guards.add(guard(q.backend(), "worker-" + w)); // a backend each: their own connections
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 25; round++) {
                String job = "client-a/race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    ReplayGuard g = guards.get(t % guards.size());
                    String delivery = (1000 + t) + "-0";
                    claims.add(pool.submit(() -> {
                        go.await();
                        return g.claim(job, delivery, in(Duration.ofMinutes(1)));
                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<Boolean> f : claims) {
                    won += f.get(20, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(won).as("winners of round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aJobHandedBackKeepsItsClaimAndACopyDoesNot() {
        Claimed c = firstDeliveryClaimed();
        JobProducer p = c.producer();
        List<Delivery> got = c.got();
        ReplayGuard guard = c.guard();
        long expiry = c.expiry();
        got.get(0).release();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got.get(1).id()).isNotEqualTo(got.get(0).id());
        assertThat(guard.claim("client-a/job-1", got.get(1).id(), expiry)).as("the job handed back").isTrue();

        send(p, "job-1", 0); // the same job written again: a replay
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        assertThat(guard.claim("client-a/job-1", got.get(2).id(), expiry)).as("the copy").isFalse();
        got.get(1).ack();
        got.get(2).ack();
    }

    @Test
    void aJobRetriedOrDeferredGivesItsClaimUpAndClaimsItAgain() {
        Claimed c = firstDeliveryClaimed();
        List<Delivery> got = c.got();
        ReplayGuard guard = c.guard();
        long expiry = c.expiry();
        assertThat(got.get(0).retry(System.currentTimeMillis() + 200)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(guard.claim("client-a/job-1", got.get(1).id(), expiry)).as("the retry").isTrue();
        assertThat(got.get(1).attempt()).isEqualTo(2);
        assertThat(got.get(1).defer(System.currentTimeMillis() + 200)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        assertThat(guard.claim("client-a/job-1", got.get(2).id(), expiry)).as("the deferred job").isTrue();
        assertThat(got.get(2).attempt()).as("a deferral keeps the attempt").isEqualTo(2);
        assertThat(guard.claim("client-a/job-1", "1-1", expiry)).as("a copy").isFalse();
        got.get(2).ack();
    }

    @Test
    void aDeadLetterSentBackTakesItsClaimAlong() {
        Claimed c = firstDeliveryClaimed();
        Backend b = c.backend();
        List<Delivery> got = c.got();
        ReplayGuard guard = c.guard();
        long expiry = c.expiry();
        got.get(0).reject("failed after 3 attempts");
        await().atMost(Duration.ofSeconds(5)).until(() -> q.redis.xlen(q.dead) == 1);
        assertThat(b.feature(DeadLetters.class).orElseThrow().retry(List.of())).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(guard.claim("client-a/job-1", got.get(1).id(), expiry)).as("sent back").isTrue();
        assertThat(guard.claim("client-a/job-1", got.get(0).id(), expiry)).as("the old entry").isFalse();
        got.get(1).ack();
    }

    @Test
    void anEntryTakenOverAfterItsWorkerWasLostKeepsItsClaim() {
        Backend b = q.backend("redis.visibility-timeout", "200ms");
        JobProducer p = b.openProducer("client-a", r -> { });
        ReplayGuard ghostGuard = guard(b, "unstarted"); // makes the group
        send(p, "job-1", 0);
        String entry = q.redis.xreadGroup(Keys.GROUP, "ghost", XReadGroupParams.xReadGroupParams().count(1),
                Map.of(q.jobs, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)).get(0).getValue().get(0).getID().toString();
        long expiry = in(Duration.ofMinutes(1));
        assertThat(ghostGuard.claim("client-a/job-1", entry, expiry)).isTrue(); // then the ghost vanished
        List<Delivery> heir = new CopyOnWriteArrayList<>();
        ReplayGuard guard = q.consume(b, "worker-2", 1, heir).feature(ReplayGuard.class).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> heir.size() == 1);
        assertThat(heir.get(0).id()).isEqualTo(entry);
        assertThat(guard.claim("client-a/job-1", heir.get(0).id(), expiry)).isTrue();
        heir.get(0).ack();
    }
}
