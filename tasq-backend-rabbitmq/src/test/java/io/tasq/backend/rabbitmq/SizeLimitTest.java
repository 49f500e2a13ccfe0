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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A message larger than {@code envelope.max-bytes} allows is cut to its first bytes as it comes off
 * the socket ({@link SizeLimitedFrames}): the worker refuses it and goes on, where the client
 * library alone would close the connection, and the broker would hand the message to the next
 * worker, and the next, for ever.
 */
class SizeLimitTest extends BrokerTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Envelopes of 16 KiB at most: messages of up to 2 x 16 KiB + 64 KiB are taken. */
    private static final Map<String, String> SMALL = Map.of(Limits.MAX_BYTES_SETTING, "16384");
    private static final int HUGE = 300_000;

    private static byte[] huge(int seed) {
        byte[] b = new byte[HUGE];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aMessageLargerThanTheWorkerTakesIsRefusedUnreadAndTheWorkerGoesOn() throws Exception {
        assertThat(Limits.maxMessageBytes(16_384)).isLessThan(HUGE);
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        byte[] huge = huge(1);
        declared(url);
        Forged.publish(name, "huge", Map.of("x-tasq-attempt", 2), huge);
        Forged.publish(name, "huge-too", Map.of(), huge(2));
        Worker worker = startWorker(url, 1, SMALL);
        TasqClient client = connected(url);
        assertThat(client.scheduleBlocking(WAIT, () -> "after the huge ones", JobOptions.defaults()))
                .isEqualTo("after the huge ones");
        String dead = "tasq." + name + ".dead";
        await().atMost(WAIT).until(() -> messageCount(dead) == 2);
        assertThat(messageCount("tasq." + name + ".jobs")).isZero();
        assertThat(worker.stats().succeeded()).isEqualTo(1);
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            GetResponse r = ch.basicGet(dead, false);
            assertThat(r.getProps().getMessageId()).isEqualTo("huge");
            assertThat(r.getBody()).isEqualTo(Arrays.copyOf(huge, Limits.REFUSED_BYTES_KEPT));
            assertThat(r.getProps().getHeaders()).containsEntry(Topology.REFUSED_BYTES, (long) HUGE)
                    .doesNotContainKey(SizeLimitedFrames.MARK);
            assertThat(r.getProps().getHeaders().get(Topology.REASON).toString()).contains(HUGE + " bytes");
        }
    }

    @Test
    void aMarkOfACutMessageForgedByAPublisherIsNotTakenForOne() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        Worker worker = startWorker(url, 1);
        TasqClient client = connected(url);
        // a valid job: the worker runs it, whatever the mark says
        Forged.publish(name, "marked", Map.of(SizeLimitedFrames.MARK, "0123:99999999"),
                Forged.signedJob(name, "marked", "nobody", 0));
        await().atMost(WAIT).until(() -> worker.stats().succeeded() == 1);
        assertThat(client.scheduleBlocking(WAIT, () -> "serving", JobOptions.defaults())).isEqualTo("serving");
        assertThat(messageCount("tasq." + name + ".dead")).isZero();
    }

    @Test
    void aDeadLetterLargerThanAToolTakesIsListedCutAndNotSentBack() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        DeadLetters dead = rawBackend(url, SMALL).feature(DeadLetters.class).orElseThrow();
        byte[] huge = huge(3);
        Forged.publishTo("tasq." + name + ".dead", "huge", Map.of(Topology.REASON, "failed after 3 attempts"), huge);
        List<DeadLetter> letters = dead.list(10);
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.jobId()).isEqualTo("huge");
            assertThat(l.envelope()).isEqualTo(Arrays.copyOf(huge, Limits.REFUSED_BYTES_KEPT));
            assertThat(l.reason()).startsWith("failed after 3 attempts").contains(HUGE + " bytes");
        });
        assertThat(dead.retry(List.of())).isZero(); // its first bytes cannot run: it stays whole where it is
        assertThat(dead.count()).isEqualTo(1);
        // a tool that takes larger messages sends it back whole
        DeadLetters roomy = rawBackend(url).feature(DeadLetters.class).orElseThrow();
        assertThat(roomy.list(10).get(0).envelope()).isEqualTo(huge);
        assertThat(dead.purge(List.of(letters.get(0).id()))).isEqualTo(1);
    }

    @Test
    void aResultMessageLargerThanTheClientTakesIsDroppedAndTheClientGoesOn() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        List<String> results = new CopyOnWriteArrayList<>();
        closeLater(rawBackend(url, SMALL).openProducer("small-client",
                body -> results.add(new String(body, StandardCharsets.UTF_8))));
        String replies = "tasq." + name + ".reply.small-client";
        Forged.publishTo(replies, "huge", Map.of(), huge(4));
        Forged.publishTo(replies, "small", Map.of(), "a small one".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> results.size() == 1);
        assertThat(results).containsExactly("a small one");
        await().atMost(WAIT).until(() -> messageCount(replies) == 0);
    }
}
