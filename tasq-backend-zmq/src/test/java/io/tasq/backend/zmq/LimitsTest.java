package io.tasq.backend.zmq;

import static io.tasq.backend.zmq.ZmqFixture.WAIT;
import static io.tasq.backend.zmq.ZmqFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobProducer;
import io.tasq.spi.Limits;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.ZMQ;

/** Sizes are checked before anything is buffered, and what is refused is kept truncated, in capped dead letters. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitsTest {

    @RegisterExtension
    final ZmqFixture zmq = new ZmqFixture();

    /** Sends jobs for {@code client} through a client holding the test key, and waits for their results. */
    private void serves(EchoWorker worker, String client, int jobs) {
        List<String> results = new CopyOnWriteArrayList<>();
        JobProducer p = zmq.producer(worker, EchoWorker.trusted(), client,
                body -> results.add(new String(body, StandardCharsets.UTF_8)));
        for (int i = 0; i < jobs; i++) {
            p.send(new OutboundJob(client + "-" + i, client, EchoWorker.job(client, client + "-" + i, "ok"), 0));
        }
        await().atMost(WAIT).until(() -> results.size() >= jobs);
    }

    @Test
    void aFrameOf200MiBIsRefusedByZmqBeforeItIsBufferedAndTheWorkerGoesOnServing() throws Exception {
        // the smallest envelope limit: messages over 2 x 1 KiB + 64 KiB are refused
        EchoWorker worker = zmq.echoWorker(Map.of(Limits.MAX_BYTES_SETTING, "1024"));
        serves(worker, "before", 1);
        long frame = 200L << 20;
        for (int port : new int[] {worker.port, worker.port + 1}) {
            try (RawZmtp raw = new RawZmtp(port, port == worker.port ? "PUSH" : "DEALER")) {
                long sent = raw.sendFrame(frame);
                // ZMQ read the frame's size, dropped the connection, and never read (or kept) the rest
                assertThat(sent).as("bytes of the 200 MiB frame the worker took on port %d", port)
                        .isLessThan(frame / 4);
            }
        }
        // a JeroMQ peer with a frame just over the limit: its connection is dropped too
        ZMQ.Socket push = zmq.push(worker.port);
        push.setLinger(0);
        byte[] envelope = new byte[(int) Limits.maxMessageBytes(1024)];
        Arrays.fill(envelope, (byte) 'x');
        push.send(Frames.job(utf8("big"), 1, utf8("big"), envelope), 0);
        serves(worker, "after", 20);
        assertThat(worker.deliveries).noneSatisfy(d -> assertThat(d.body().length).isGreaterThan(1000));
        assertThat(worker.transportFailures).isEmpty();
        DeadLetters dead = zmq.deadLetters(worker, EchoWorker.trusted());
        assertThat(dead.count()).as("nothing of them was kept").isZero();
    }

    @Test
    void aRefusedMessageIsDeadLetteredTruncatedAndSoIsAMalformedFrame() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'r');
        byte[] refused = Arrays.copyOf(utf8("refuse"), big.length);
        ZMQ.Socket push = zmq.push(worker.port);
        push.send(Frames.job(utf8("r-1"), 7, utf8("someone"), refused), 0);
        push.send(big, 0); // not a job frame at all
        DeadLetters dead = zmq.deadLetters(worker, EchoWorker.trusted());
        await().atMost(WAIT).until(() -> dead.count() == 2);
        List<DeadLetter> letters = dead.list(10);
        assertThat(letters).hasSize(2).allSatisfy(d -> assertThat(d.envelope()).hasSize(Limits.REFUSED_BYTES_KEPT));
        assertThat(letters.get(0).envelope()).startsWith(utf8("refuse"));
        assertThat(letters.get(0).reason()).contains("refused by the echo worker");
        assertThat(letters.get(1).reason()).contains("not a job frame");
        serves(worker, "still", 5);
    }

    @Test
    void theDeadLettersKeepTheNewestUpToTheirCapAndCountWhatTheyDropped() {
        EchoWorker worker = zmq.echoWorker(Map.of("zmq.max-dead-letters", "3"));
        ZMQ.Socket push = zmq.push(worker.port);
        for (int i = 0; i < 10; i++) {
            push.send(utf8("garbage " + i), 0);
        }
        DeadLetters dead = zmq.deadLetters(worker, EchoWorker.trusted());
        await().atMost(WAIT).until(() -> dead.dropped() == 7);
        assertThat(dead.count()).isEqualTo(3);
        assertThat(dead.list(10)).extracting(d -> new String(d.envelope(), StandardCharsets.UTF_8))
                .containsExactly("garbage 7", "garbage 8", "garbage 9");
    }

    @Test
    void aWorkerRefusesAnUnsignedJobFrameOf100KbIntoATruncatedDeadLetter() {
        int port = Ports.freePair();
        String url = "zmq://127.0.0.1:" + port;
        zmq.worker(url, TestKeys.worker(), 1);
        byte[] garbage = new byte[100_000];
        new java.util.Random(7).nextBytes(garbage);
        ZMQ.Socket push = zmq.push(port);
        push.send(Frames.job(utf8("forged"), 1, utf8("victim"), garbage), 0);
        DeadLetters dead = zmq.operator(url, Settings.empty(), EchoWorker.trusted()).feature(DeadLetters.class).orElseThrow();
        await().atMost(WAIT).until(() -> dead.count() == 1);
        assertThat(dead.list(1).get(0).envelope()).hasSize(Limits.REFUSED_BYTES_KEPT)
                .isEqualTo(Arrays.copyOf(garbage, Limits.REFUSED_BYTES_KEPT));
        TasqClient client = zmq.client(url, TestKeys.client());
        assertThat(client.schedule(() -> "served").unwrap(WAIT)).isEqualTo("served");
    }
}
