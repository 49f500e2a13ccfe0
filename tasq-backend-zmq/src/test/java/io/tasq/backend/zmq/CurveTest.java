package io.tasq.backend.zmq;

import static io.tasq.backend.zmq.ZmqFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendUri;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.ZMQ;

/** CURVE encryption end to end: a sniffer between client and worker reads nothing of a job or its result. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CurveTest {

    @RegisterExtension
    final ZmqFixture zmq = new ZmqFixture();

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
        zmq.worker("zmq://127.0.0.1:" + port, workerSettings, 1);
        TapProxy jobs = zmq.open(new TapProxy(port));
        TapProxy results = zmq.open(new TapProxy(port + 1));
        String url = "zmq://127.0.0.1:" + jobs.port() + "?results-port=" + results.port();
        Map<String, String> clientSettings = new HashMap<>(TestKeys.client());
        clientSettings.putAll(client);
        TasqClient c = zmq.client(url, clientSettings);
        assertThat(c.schedule(s -> s + "-back", secret).unwrap(WAIT)).isEqualTo(secret + "-back");
        // an operator's request takes the same way
        Backend operator = zmq.operator(url, Settings.of(client, "test"), EchoWorker.trusted());
        assertThat(operator.feature(DeadLetters.class).orElseThrow().count()).isZero();
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
        EchoWorker worker = zmq.echoWorker(Map.of(CurveKeys.SECRET_KEY, keys.secretKey));
        RawPeer plain = zmq.rawPeer(worker.port + 1, Handshake.routingId());
        plain.ping();
        // a bounded wait for something that must not come: the CURVE handshake fails, no message passes
        assertThat(plain.await(Frames.CHALLENGE, Duration.ofSeconds(3), true)).isNull();
        ZMQ.Curve.KeyPair other = ZMQ.Curve.generateKeyPair();
        Backend wrongServer = zmq.operator(worker.url, Settings.of(Map.of(CurveKeys.SERVER_KEY, other.publicKey),
                "test"), EchoWorker.trusted());
        Backend rightServer = zmq.operator(worker.url, Settings.of(Map.of(CurveKeys.SERVER_KEY, keys.publicKey),
                "test"), EchoWorker.trusted());
        assertThat(rightServer.feature(QueueAdmin.class).orElseThrow().stats().deadLetters()).isZero();
        assertThat(wrongServer.feature(QueueAdmin.class).orElseThrow().stats().deadLetters()).as("unknown: no worker answered")
                .isEqualTo(-1);
    }
}
