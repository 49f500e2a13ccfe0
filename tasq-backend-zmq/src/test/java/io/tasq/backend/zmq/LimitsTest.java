package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobProducer;
import io.tasq.spi.Limits;
import io.tasq.spi.OutboundJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Sizes are checked before anything is buffered, and what is refused is kept truncated, in capped dead letters. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private <T extends AutoCloseable> T open(T c) {
        opened.add(c);
        return c;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends jobs for {@code client} through a client holding the test key, and waits for their results. */
    private void serves(EchoWorker worker, String client, int jobs) {
        List<String> results = new CopyOnWriteArrayList<>();
        JobProducer p = open(open(worker.peer(EchoWorker.trusted()))
                .openProducer(client, body -> results.add(new String(body, StandardCharsets.UTF_8))));
        for (int i = 0; i < jobs; i++) {
            p.send(new OutboundJob(client + "-" + i, client, EchoWorker.job(client, client + "-" + i, "ok"), 0));
        }
        await().atMost(WAIT).until(() -> results.size() >= jobs);
    }

    @Test
    void aFrameOf200MiBIsRefusedByZmqBeforeItIsBufferedAndTheWorkerGoesOnServing() throws Exception {
        // the smallest envelope limit: messages over 2 x 1 KiB + 64 KiB are refused
        EchoWorker worker = open(new EchoWorker(Map.of(Limits.MAX_BYTES_SETTING, "1024")).start());
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
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket push = RawPeer.push(ctx, worker.port);
            push.setLinger(0);
            byte[] envelope = new byte[(int) Limits.maxMessageBytes(1024)];
            Arrays.fill(envelope, (byte) 'x');
            push.send(Frames.job(utf8("big"), 1, utf8("big"), envelope), 0);
            serves(worker, "after", 20);
        }
        assertThat(worker.deliveries).noneSatisfy(d -> assertThat(d.body().length).isGreaterThan(1000));
        assertThat(worker.transportFailures).isEmpty();
        DeadLetters dead = open(worker.peer(EchoWorker.trusted())).deadLetters().orElseThrow();
        assertThat(dead.count()).as("nothing of them was kept").isZero();
    }

    @Test
    void aRefusedMessageIsDeadLetteredTruncatedAndSoIsAMalformedFrame() {
        EchoWorker worker = open(new EchoWorker(Map.of()).start());
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'r');
        byte[] refused = Arrays.copyOf(utf8("refuse"), big.length);
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket push = RawPeer.push(ctx, worker.port);
            push.send(Frames.job(utf8("r-1"), 7, utf8("someone"), refused), 0);
            push.send(big, 0); // not a job frame at all
            DeadLetters dead = open(worker.peer(EchoWorker.trusted())).deadLetters().orElseThrow();
            await().atMost(WAIT).until(() -> dead.count() == 2);
            List<DeadLetter> letters = dead.list(10);
            assertThat(letters).hasSize(2).allSatisfy(d -> assertThat(d.envelope()).hasSize(Limits.REFUSED_BYTES_KEPT));
            assertThat(letters.get(0).envelope()).startsWith(utf8("refuse"));
            assertThat(letters.get(0).reason()).contains("refused by the echo worker");
            assertThat(letters.get(1).reason()).contains("not a job frame");
        }
        serves(worker, "still", 5);
    }

    @Test
    void theDeadLettersKeepTheNewestUpToTheirCapAndCountWhatTheyDropped() {
        EchoWorker worker = open(new EchoWorker(Map.of("zmq.max-dead-letters", "3")).start());
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket push = RawPeer.push(ctx, worker.port);
            for (int i = 0; i < 10; i++) {
                push.send(utf8("garbage " + i), 0);
            }
            DeadLetters dead = open(worker.peer(EchoWorker.trusted())).deadLetters().orElseThrow();
            await().atMost(WAIT).until(() -> dead.dropped() == 7);
            assertThat(dead.count()).isEqualTo(3);
            assertThat(dead.list(10)).extracting(d -> new String(d.envelope(), StandardCharsets.UTF_8))
                    .containsExactly("garbage 7", "garbage 8", "garbage 9");
        }
    }

    @Test
    void aWorkerRefusesAnUnsignedJobFrameOf100KbIntoATruncatedDeadLetter() {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        Worker w = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(1).build().start();
        open(() -> w.stop(Duration.ofSeconds(5)));
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        byte[] garbage = new byte[100_000];
        new java.util.Random(7).nextBytes(garbage);
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket push = RawPeer.push(ctx, port);
            push.send(Frames.job(utf8("forged"), 1, utf8("victim"), garbage), 0);
            io.tasq.spi.Backend operator = open(io.tasq.spi.Providers.backend(url, io.tasq.spi.Settings.empty()));
            operator.useCredentials(EchoWorker.trusted());
            DeadLetters dead = operator.deadLetters().orElseThrow();
            await().atMost(WAIT).until(() -> dead.count() == 1);
            assertThat(dead.list(1).get(0).envelope()).hasSize(Limits.REFUSED_BYTES_KEPT)
                    .isEqualTo(Arrays.copyOf(garbage, Limits.REFUSED_BYTES_KEPT));
        }
        try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            client.connect();
            assertThat(client.schedule(() -> "served").unwrap(WAIT)).isEqualTo("served");
        }
    }
}
