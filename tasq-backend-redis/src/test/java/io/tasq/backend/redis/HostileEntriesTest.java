package io.tasq.backend.redis;

import static io.tasq.backend.redis.QueueFixture.bytes;
import static io.tasq.backend.redis.QueueFixture.send;
import static io.tasq.backend.redis.QueueFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.JobProducer;
import io.tasq.spi.Limits;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.ScheduleStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * What anyone who can write to Redis can put in a queue's keys, read by a worker before anything is
 * verified: forged counts, entries over the size limits, a broken doorbell, garbage in the delayed
 * set and the schedule store, an oversize result. Each is refused (dead-lettered truncated) or
 * ignored, nothing is delivered that is over the limits, and the worker goes on serving valid jobs
 * without its transport failing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileEntriesTest {

    /** envelope.max-bytes 1024: an entry's body may have 2 * 1024 + 64 KiB bytes. */
    private static final int MAX_BODY = 2 * 1024 + 64 * 1024;

    private final QueueFixture q = new QueueFixture();
    private final List<Delivery> got = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final JobListener listener = new JobListener() {
        @Override
        public void onJob(Delivery delivery) {
            got.add(delivery);
        }

        @Override
        public void onTransportFailure(Throwable cause) {
            failures.add(cause);
        }
    };

    @AfterEach
    void close() {
        q.close();
    }

    private Backend backend(String... more) {
        String[] s = Arrays.copyOf(new String[] {"envelope.max-bytes", "1024"}, 2 + more.length);
        System.arraycopy(more, 0, s, 2, more.length);
        return q.backend(s);
    }

    private StreamEntryID xadd(Map<String, byte[]> fields) {
        Map<byte[], byte[]> raw = new LinkedHashMap<>();
        fields.forEach((k, v) -> raw.put(bytes(k), v));
        return new StreamEntryID(text(q.redis.xadd(bytes(q.jobs), XAddParams.xAddParams(), raw)));
    }

    private static byte[] noise(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A valid job sent after the hostile ones is still delivered, and the transport never failed. */
    private void stillServes(Backend b) {
        JobProducer p = b.openProducer("client-ok", r -> { });
        send(p, "still-serving", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(d -> text(d.body()).equals(
                "still-serving")));
        assertThat(failures).isEmpty();
    }

    private List<StreamEntry> deadLetters() {
        return q.redis.xrange(q.dead, (StreamEntryID) null, null);
    }

    @Test
    void forgedCountsAreReadAsZeroAndNeverOverflowTheAttempt() {
        Backend b = backend();
        q.consume(b, "worker-1", 16, listener);
        Map<String, Integer> attempts = new LinkedHashMap<>();
        attempts.put("99999999999", 1); // more digits than a count has
        attempts.put("-5", 1);
        attempts.put("0x10", 1);
        attempts.put(" 7", 1);
        attempts.put("nan", 1);
        attempts.put("2147483647", 1);
        attempts.put("999999999", 1_000_000_000);
        attempts.put("2", 3);
        attempts.forEach((tries, attempt) -> xadd(Map.of("job", bytes("j" + tries), "to", bytes("c"),
                "body", bytes(tries), "tries", bytes(tries), "run", bytes(tries), "lost", bytes("-1"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == attempts.size());
        for (Delivery d : got) {
            String tries = text(d.body());
            assertThat(d.attempt()).as("attempt for tries=%s", tries).isEqualTo(attempts.get(tries));
            // a run number is plain digits, at most 18 of them
            assertThat(d.run()).as("run for %s", tries).isEqualTo(tries.matches("\\d{1,18}") ? Long.parseLong(tries)
                    : 0);
            d.ack();
        }
        stillServes(b);
    }

    @Test
    void aForgedLostCountDoesNotLiftTheMaxAttemptsBackstop() {
        Backend b = backend("redis.visibility-timeout", "200ms", "redis.max-attempts", "3");
        b.openConsumer(new ConsumerOptions("unstarted", 1)).close(); // makes the group
        for (String lost : List.of("-1000000", "nan", "-inf")) {
            StreamEntryID id = xadd(Map.of("job", bytes("deadly"), "to", bytes("c"), "body", bytes("x"),
                    "lost", bytes(lost)));
            q.redis.xreadGroup(Keys.GROUP, "victim", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(q.jobs, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            q.redis.xclaim(q.jobs, Keys.GROUP, "victim", 0, XClaimParams.xClaimParams().retryCount(3), id);
        }
        q.consume(b, "worker-1", 4, listener);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters().size() == 3);
        assertThat(deadLetters()).allSatisfy(e -> assertThat(e.getFields().get("reason")).contains("delivered 4 times"));
        assertThat(got).isEmpty();
        stillServes(b);
    }

    @Test
    void entriesOverTheSizeLimitsAreDeadLetteredTruncatedBeforeAnyWorkerReceivesThem() {
        Backend b = backend();
        q.consume(b, "worker-1", 4, listener);
        byte[] big = noise(MAX_BODY + 1);
        xadd(Map.of("job", bytes("big"), "to", bytes("c"), "body", big));
        Map<String, byte[]> many = new LinkedHashMap<>();
        many.put("body", bytes("many fields"));
        for (int i = 0; i < Entries.MAX_FIELDS; i++) {
            many.put("f" + i, bytes("v"));
        }
        xadd(many);
        xadd(Map.of("job", noise(Entries.MAX_OTHER_BYTES), "to", bytes("c"), "body", bytes("long id")));
        xadd(Map.of("job", bytes("fits"), "to", bytes("c"), "body", noise(MAX_BODY)));

        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters().size() == 3 && got.size() == 1);
        assertThat(got.get(0).body()).hasSize(MAX_BODY);
        got.get(0).ack();
        List<StreamEntry> dead = deadLetters();
        assertThat(dead).allSatisfy(e -> assertThat(e.getFields()).containsKeys("reason", "entry", "size")
                .doesNotContainKeys("job", "to"));
        assertThat(dead.get(0).getFields().get("reason")).contains("envelope.max-bytes");
        assertThat(dead.get(1).getFields().get("reason")).contains("fields, more than " + Entries.MAX_FIELDS);
        assertThat(dead.get(2).getFields().get("reason")).contains("other than the body");
        DeadLetter first = b.feature(DeadLetters.class).orElseThrow().list(1).get(0);
        assertThat(first.envelope()).isEqualTo(Arrays.copyOf(big, Limits.REFUSED_BYTES_KEPT));
        assertThat(b.feature(DeadLetters.class).orElseThrow().retry(List.of())).as("truncated: never sent back").isZero();
        stillServes(b);
    }

    @Test
    void anOversizeEntryOfALostWorkerIsRefusedWhenTakenOver() {
        Backend b = backend("redis.visibility-timeout", "200ms");
        b.openConsumer(new ConsumerOptions("unstarted", 1)).close();
        xadd(Map.of("job", bytes("big"), "to", bytes("c"), "body", noise(MAX_BODY + 10)));
        q.redis.xreadGroup(Keys.GROUP, "ghost", XReadGroupParams.xReadGroupParams().count(1),
                Map.of(q.jobs, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        q.consume(b, "worker-1", 4, listener);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters().size() == 1);
        StreamEntry letter = deadLetters().get(0);
        assertThat(letter.getFields().get("reason")).contains("refused before delivery").contains("envelope.max-bytes");
        assertThat(letter.getFields().get("body")).hasSizeLessThanOrEqualTo(Limits.REFUSED_BYTES_KEPT);
        assertThat(q.redis.xpending(q.jobs, Keys.GROUP).getTotal()).isZero();
        assertThat(got).isEmpty();
        stillServes(b);
    }

    @Test
    void refuseKeepsTheFirstBytesOfTheBodyAndNothingElse() {
        Backend b = backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        q.consume(b, "worker-1", 4, listener);
        byte[] body = noise(10_000);
        send(p, "unsigned", "client-a", body, 0);
        send(p, "small", "client-a", bytes("small and whole"), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        got.forEach(d -> d.refuse("bad signature"));
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters().size() == 2);
        Map<String, String> letter = deadLetters().get(0).getFields();
        assertThat(letter).containsEntry("reason", "bad signature").containsEntry("size", "10000")
                .containsEntry("worker", "worker-1").doesNotContainKeys("job", "to");
        DeadLetter kept = b.feature(DeadLetters.class).orElseThrow().list(1).get(0);
        assertThat(kept.envelope()).isEqualTo(Arrays.copyOf(body, Limits.REFUSED_BYTES_KEPT));
        assertThat(kept.jobId()).isEmpty();

        // only the one kept whole goes back, to be verified again
        assertThat(b.feature(DeadLetters.class).orElseThrow().retry(List.of())).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        assertThat(text(got.get(2).body())).isEqualTo("small and whole");
        assertThat(got.get(2).attempt()).isEqualTo(1);
        got.get(2).ack();
        assertThat(deadLetters()).hasSize(1);
        stillServes(b);
    }

    @Test
    void anIdleWorkerIsWokenByTheDoorbellAtOnce() {
        Backend b = backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        q.consume(b, "worker-1", 4, listener);
        for (int i = 0; i < 5; i++) {
            int before = got.size();
            // idle for a while: the reader waits on the doorbell, for up to 2 s
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
            long sent = System.nanoTime();
            send(p, "job-" + i, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() > before);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("delivery of job-%d", i)
                    .isLessThan(Duration.ofMillis(1_000));
            got.get(before).ack();
        }
    }

    @Test
    void aBrokenDoorbellNeitherStopsTheWorkerNorBreaksWhatRingsIt() {
        Backend b = backend();
        JobProducer p = b.openProducer("client-a", r -> { });
        q.consume(b, "worker-1", 4, listener);
        String ring = Keys.name(q.keys.ring());
        // another type
        q.redis.del(ring);
        q.redis.set(ring, "not a stream");
        send(p, "after-wrong-type", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        // an entry over what a ring holds, which the worker must not read
        q.redis.del(ring);
        q.redis.xadd(bytes(ring), XAddParams.xAddParams(), Map.of(bytes("n"), noise(200_000)));
        send(p, "after-big-ring", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        // an id in the future, which '*' cannot follow
        q.redis.del(ring);
        q.redis.xadd(ring, XAddParams.xAddParams().id("99999999999999-0"), Map.of("n", "1"));
        send(p, "after-future-id", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        got.forEach(Delivery::release); // hand-backs ring the doorbell too
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 6);
        got.subList(3, 6).forEach(Delivery::ack);
        assertThat(q.redis.type(ring)).isEqualTo("stream");
        stillServes(b);
    }

    @Test
    void garbageInTheDelayedSetAndTheScheduleStoreIsDeadLetteredTruncated() {
        Backend b = backend();
        JobConsumer c = q.consume(b, "worker-1", 4, listener);
        byte[] member = noise(100_000);
        member[0] = 'x'; // no length prefix
        q.redis.zadd(bytes(Keys.name(q.keys.delayed())), 0, member);
        String schedules = Keys.name(q.keys.schedules());
        String times = Keys.name(q.keys.scheduleTimes());
        q.redis.hset(bytes(schedules), bytes("huge"), bytes("0:1:a1:b" + "z".repeat(MAX_BODY + 10_000)));
        q.redis.hset(schedules, "digits", "99999999999999999999999:1:a1:bbody");
        q.redis.zadd(times, 0, "huge");
        q.redis.zadd(times, 0, "digits");
        q.redis.hset(schedules, "forever", "0:1:a1:bbody");
        q.redis.zadd(times, Double.POSITIVE_INFINITY, "forever"); // never due, but listed
        q.redis.zadd(Keys.name(q.keys.delayed()), Double.POSITIVE_INFINITY, "never due"); // Redis says "inf"

        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters().size() == 1);
        StreamEntry delayed = deadLetters().get(0);
        assertThat(delayed.getFields().get("reason")).contains("not a delayed job Tasq wrote");
        assertThat(delayed.getFields()).containsEntry("size", "100000");
        ScheduleStore store = c.feature(ScheduleStore.class).orElseThrow();
        assertThat(store.due(System.currentTimeMillis(), 10)).isEmpty();
        assertThat(deadLetters()).hasSize(3);
        assertThat(store.list()).isEmpty();
        assertThat(deadLetters()).hasSize(4);
        assertThat(b.feature(DeadLetters.class).orElseThrow().list(10)).allSatisfy(d ->
                assertThat(d.envelope().length).isLessThanOrEqualTo(Limits.REFUSED_BYTES_KEPT));
        assertThat(q.redis.hlen(schedules)).isZero();
        assertThat(got).isEmpty();
        stillServes(b);
    }

    @Test
    void anOversizeResultWrittenIntoAClientsStreamIsDroppedAndTheRestArrive() {
        Backend b = backend();
        List<String> results = new CopyOnWriteArrayList<>();
        String stream = Keys.name(q.keys.results("client-x"));
        q.redis.xadd(bytes(stream), XAddParams.xAddParams(), Map.of(bytes("body"), noise(MAX_BODY + 20_000)));
        b.openProducer("client-x", r -> results.add(text(r)));
        JobConsumer c = b.openConsumer(new ConsumerOptions("worker-1", 1));
        c.publish(new ResultMessage("client-x", "job-1", bytes("the real result")));
        await().atMost(Duration.ofSeconds(15)).until(() -> results.size() == 1);
        assertThat(results).containsExactly("the real result");
        c.close();
    }
}
