package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.SignatureVerificationException;
import io.tasq.spi.Backend;
import io.tasq.spi.Credentials;
import io.tasq.spi.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker answers operators' requests only on a connection that proved a trusted key, and refuses the others at once. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperatorRequestsTest {

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
    void anOperatorWithoutAKeyIsRefusedAtOnceWithAClearMessage() {
        EchoWorker worker = open(new EchoWorker(Map.of()).start());
        DeadLetters dead = open(worker.peer(Credentials.none())).deadLetters().orElseThrow();
        long start = System.nanoTime();
        assertThatThrownBy(() -> dead.list(10)).isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("the worker at tcp://127.0.0.1:" + (worker.port + 1) + " refused")
                .hasMessageContaining("this operator holds no key it trusts")
                .hasMessageContaining("TASQ_SIGN_KEY");
        // at once: not after the 10 s an unanswered request waits
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThatThrownBy(dead::count).isInstanceOf(SignatureVerificationException.class);
        assertThatThrownBy(() -> dead.purge(List.of())).isInstanceOf(SignatureVerificationException.class);
        Backend noKey = open(worker.peer(Credentials.none()));
        assertThatThrownBy(() -> noKey.admin().orElseThrow().workers()).isInstanceOf(SignatureVerificationException.class);
    }

    @Test
    void anOperatorWithAForeignKeyIsRefusedAndOneWithATrustedKeyAnswered() {
        EchoWorker worker = open(new EchoWorker(Map.of()).start());
        DeadLetters foreign = open(worker.peer(EchoWorker.untrusted())).deadLetters().orElseThrow();
        assertThatThrownBy(() -> foreign.retry(List.of())).isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("signs with a key it does not trust");
        DeadLetters trusted = open(worker.peer(EchoWorker.trusted())).deadLetters().orElseThrow();
        assertThat(trusted.count()).isZero();
        assertThat(trusted.dropped()).isZero();
        assertThat(trusted.list(10)).isEmpty();
    }

    @Test
    void aRequestWithoutAHelloGetsAnExplicitRefusal() {
        EchoWorker worker = open(new EchoWorker(Map.of()).start());
        RawPeer peer = open(new RawPeer(worker.port + 1, Handshake.routingId()));
        List<byte[]> refusal = null;
        for (int i = 0; i < 60 && refusal == null; i++) {
            // sent again until the connection is up (a message on a connection being set up may be lost)
            peer.send(Frames.ADMIN, "r1".getBytes(StandardCharsets.UTF_8), "list".getBytes(StandardCharsets.UTF_8),
                    Frames.int32(1000));
            refusal = peer.await(Frames.ADMIN_REFUSED, Duration.ofMillis(500), false);
        }
        assertThat(refusal).isNotNull();
        assertThat(Frames.string(refusal.get(1))).isEqualTo("r1");
        assertThat(Frames.string(refusal.get(2))).contains("holds no key the worker trusts");
        assertThat(peer.got(Frames.ADMIN_REPLY)).isFalse();
    }

    @Test
    void anInsecureWorkerAnswersAnOperatorWithoutAKey() {
        EchoWorker worker = open(new EchoWorker(Map.of(), EchoWorker.insecure()).start());
        DeadLetters dead = open(worker.peer(Credentials.none())).deadLetters().orElseThrow();
        assertThat(dead.count()).isZero();
        assertThat(dead.list(5)).isEmpty();
    }

    @Test
    void anOperatorProvesItsKeyAgainAfterItsBindingLapsed() {
        EchoWorker worker = open(new EchoWorker(Map.of("zmq.worker-timeout", "300ms")).start());
        DeadLetters dead = open(worker.peer(EchoWorker.trusted())).deadLetters().orElseThrow();
        assertThat(dead.count()).isZero();
        long quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> System.nanoTime() > quietUntil);
        // silent past the worker timeout: the worker dropped the binding; the next request proves the key again
        assertThat(dead.count()).isZero();
        assertThat(dead.list(3)).isEmpty();
    }
}
