package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZMQ;

/** CURVE encryption end to end: a sniffer between client and worker reads nothing of a job or its result. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CurveTest {

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

    @Test
    void theWorkersPublicKeyIsTheOneZmqPairsWithItsSecretKey() {
        for (int i = 0; i < 5; i++) {
            ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
            assertThat(CurveKeys.publicOf(ZMQ.Curve.z85Decode(pair.secretKey))).isEqualTo(pair.publicKey);
        }
    }

    @Test
    void aKeyThatIsNotZ85IsRefusedNamingItsSetting() {
        BackendUri uri = BackendUri.parse("zmq://127.0.0.1:9000");
        assertThatThrownBy(() -> ZmqSettings.from(uri, Settings.of(Map.of(CurveKeys.SERVER_KEY, "not a key"), "test")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(CurveKeys.SERVER_KEY)
                .hasMessageContaining("Z85");
        assertThatThrownBy(() -> ZmqSettings.from(uri, Settings.of(Map.of(CurveKeys.SECRET_KEY, "x".repeat(39)), "test")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(CurveKeys.SECRET_KEY);
    }

    /** Runs a job carrying {@code secret} through taps on both ports; returns what the taps saw. */
    private String sniffedRoundTrip(String secret, Map<String, String> worker, Map<String, String> client)
            throws Exception {
        int port = Ports.freePair();
        Settings workerSettings = TestKeys.worker();
        for (Map.Entry<String, String> e : worker.entrySet()) {
            workerSettings = workerSettings.with(e.getKey(), e.getValue(), "test");
        }
        Worker w = Worker.builder().backend("zmq://127.0.0.1:" + port).settings(workerSettings).concurrency(1).build()
                .start();
        open(() -> w.stop(Duration.ofSeconds(5)));
        TapProxy jobs = open(new TapProxy(port));
        TapProxy results = open(new TapProxy(port + 1));
        String url = "zmq://127.0.0.1:" + jobs.port() + "?results-port=" + results.port();
        Map<String, String> clientSettings = new HashMap<>(TestKeys.client());
        clientSettings.putAll(client);
        TasqClient c = open(Tasq.builder().url(url).settings(clientSettings).client());
        c.connect();
        assertThat(c.schedule(s -> s + "-back", secret).unwrap(WAIT)).isEqualTo(secret + "-back");
        // an operator's request takes the same way
        Backend operator = open(Providers.backend(url, Settings.of(client, "test")));
        operator.useCredentials(EchoWorker.trusted());
        assertThat(operator.deadLetters().orElseThrow().count()).isZero();
        return jobs.seen() + results.seen();
    }

    @Test
    void withCurveASnifferReadsNothingOfAJobOrItsResult() throws Exception {
        ZMQ.Curve.KeyPair keys = ZMQ.Curve.generateKeyPair();
        String secret = "sniff-me-" + System.nanoTime();
        String seen = sniffedRoundTrip(secret, Map.of(CurveKeys.SECRET_KEY, keys.secretKey),
                Map.of(CurveKeys.SERVER_KEY, keys.publicKey));
        assertThat(seen).hasSizeGreaterThan(1000).doesNotContain(secret).doesNotContain("sniff-me");
    }

    @Test
    void withoutCurveTheSameSnifferReadsThem() throws Exception {
        String secret = "sniff-me-" + System.nanoTime();
        String seen = sniffedRoundTrip(secret, Map.of(), Map.of());
        assertThat(seen).contains(secret).contains(secret + "-back");
    }

    @Test
    void aPeerWithoutTheWorkersPublicKeyCannotTalkToIt() {
        ZMQ.Curve.KeyPair keys = ZMQ.Curve.generateKeyPair();
        EchoWorker worker = open(new EchoWorker(Map.of(CurveKeys.SECRET_KEY, keys.secretKey)).start());
        RawPeer plain = open(new RawPeer(worker.port + 1, Handshake.routingId()));
        plain.ping();
        // a bounded wait for something that must not come: the CURVE handshake fails, no message passes
        assertThat(plain.await(Frames.CHALLENGE, Duration.ofSeconds(3), true)).isNull();
        ZMQ.Curve.KeyPair other = ZMQ.Curve.generateKeyPair();
        Backend wrongServer = open(Providers.backend(worker.url, Settings.of(Map.of(CurveKeys.SERVER_KEY,
                other.publicKey), "test")));
        wrongServer.useCredentials(EchoWorker.trusted());
        Backend rightServer = open(Providers.backend(worker.url, Settings.of(Map.of(CurveKeys.SERVER_KEY,
                keys.publicKey), "test")));
        rightServer.useCredentials(EchoWorker.trusted());
        assertThat(rightServer.admin().orElseThrow().stats().deadLetters()).isZero();
        assertThat(wrongServer.admin().orElseThrow().stats().deadLetters()).as("unknown: no worker answered").isEqualTo(-1);
    }
}
