package io.tasq.backend.zmq;

import static io.tasq.backend.zmq.ZmqFixture.WAIT;
import static io.tasq.backend.zmq.ZmqFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.SignatureVerificationException;
import io.tasq.spi.Backend;
import io.tasq.spi.Credentials;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.QueueAdmin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker answers operators' requests only on a connection that proved a trusted key, and refuses the others at once. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperatorRequestsTest {

    @RegisterExtension
    final ZmqFixture zmq = new ZmqFixture();

    @Test
    void anOperatorWithoutAKeyIsRefusedAtOnceWithAClearMessage() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        DeadLetters dead = zmq.deadLetters(worker, Credentials.none());
        long start = System.nanoTime();
        assertThatThrownBy(() -> dead.list(10)).isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("the worker at tcp://127.0.0.1:" + (worker.port + 1) + " refused")
                .hasMessageContaining("this operator holds no key it trusts")
                .hasMessageContaining("TASQ_SIGN_KEY");
        // at once: not after the 10 s an unanswered request waits
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThatThrownBy(dead::count).isInstanceOf(SignatureVerificationException.class);
        assertThatThrownBy(() -> dead.purge(List.of())).isInstanceOf(SignatureVerificationException.class);
        Backend noKey = zmq.peer(worker, Credentials.none());
        assertThatThrownBy(() -> noKey.feature(QueueAdmin.class).orElseThrow().workers()).isInstanceOf(SignatureVerificationException.class);
    }

    @Test
    void anOperatorWithAForeignKeyIsRefusedAndOneWithATrustedKeyAnswered() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        DeadLetters foreign = zmq.deadLetters(worker, EchoWorker.untrusted());
        assertThatThrownBy(() -> foreign.retry(List.of())).isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("signs with a key it does not trust");
        DeadLetters trusted = zmq.deadLetters(worker, EchoWorker.trusted());
        assertThat(trusted.count()).isZero();
        assertThat(trusted.dropped()).isZero();
        assertThat(trusted.list(10)).isEmpty();
    }

    @Test
    void aRequestWithoutAHelloGetsAnExplicitRefusal() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        RawPeer peer = zmq.rawPeer(worker.port + 1, Handshake.routingId());
        List<byte[]> refusal = null;
        for (int i = 0; i < 60 && refusal == null; i++) {
            // sent again until the connection is up (a message on a connection being set up may be lost)
            peer.send(Frames.ADMIN, utf8("r1"), utf8("list"), Frames.int32(1000));
            refusal = peer.await(Frames.ADMIN_REFUSED, Duration.ofMillis(500), false);
        }
        assertThat(refusal).isNotNull();
        assertThat(Frames.string(refusal.get(1))).isEqualTo("r1");
        assertThat(Frames.string(refusal.get(2))).contains("holds no key the worker trusts");
        assertThat(peer.got(Frames.ADMIN_REPLY)).isFalse();
    }

    @Test
    void anInsecureWorkerAnswersAnOperatorWithoutAKey() {
        EchoWorker worker = zmq.echoWorker(Map.of(), EchoWorker.insecure());
        DeadLetters dead = zmq.deadLetters(worker, Credentials.none());
        assertThat(dead.count()).isZero();
        assertThat(dead.list(5)).isEmpty();
    }

    @Test
    void anOperatorProvesItsKeyAgainAfterItsBindingLapsed() {
        EchoWorker worker = zmq.echoWorker(Map.of("zmq.worker-timeout", "300ms"));
        DeadLetters dead = zmq.deadLetters(worker, EchoWorker.trusted());
        assertThat(dead.count()).isZero();
        long quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> System.nanoTime() > quietUntil);
        // silent past the worker timeout: the worker dropped the binding; the next request proves the key again
        assertThat(dead.count()).isZero();
        assertThat(dead.list(3)).isEmpty();
    }
}
