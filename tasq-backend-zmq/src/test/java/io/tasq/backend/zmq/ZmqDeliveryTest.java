package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.spi.DeadLetter;
import io.tasq.spi.Limits;
import io.tasq.spi.ResultMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A delivery is settled once, whichever way, and each way leaves what it should. */
class ZmqDeliveryTest {

    private final Wakeup wakeup = new Wakeup();
    private final DeadLetterStore dead = new DeadLetterStore(10, "w1", "test");
    private final Settlements settlements = new Settlements(dead, wakeup, "test");

    @AfterEach
    void close() {
        wakeup.close();
    }

    private ZmqDelivery delivery(byte[] body) {
        return settlements.take(new Frames.Job("j1", 2, "frame-client", body));
    }

    private List<ClientMessage> outgoing() {
        List<ClientMessage> out = new ArrayList<>();
        settlements.drainOutgoing(out::add);
        return out;
    }

    @Test
    void completeSendsTheResultToTheClientItNamesOnce() {
        ZmqDelivery d = delivery(new byte[] {1});
        d.complete(new ResultMessage("verified-client", "j1", new byte[] {9}));
        d.complete(new ResultMessage("verified-client", "j1", new byte[] {9}));
        d.ack();
        d.release();
        d.reject("late");
        assertThat(outgoing()).singleElement().satisfies(o -> {
            assertThat(o.replyTo()).as("the client of the verified result, not the frame's").isEqualTo("verified-client");
            assertThat(o.body()).containsExactly(9);
        });
        assertThat(dead.count()).isZero();
        assertThat(settlements.unsettled()).isZero();
    }

    @Test
    void releaseHandsTheJobBackToTheFramesClient() {
        ZmqDelivery d = delivery(new byte[] {1});
        d.release();
        d.release();
        assertThat(outgoing()).singleElement().satisfies(o -> {
            assertThat(o.replyTo()).isEqualTo("frame-client");
            assertThat(Frames.is(o.command(), Frames.RELEASED)).isTrue();
        });
        assertThat(settlements.unsettled()).isZero();
    }

    @Test
    void ackSendsNothing() {
        ZmqDelivery d = delivery(new byte[] {1});
        d.ack();
        assertThat(outgoing()).isEmpty();
        assertThat(dead.count()).isZero();
        assertThat(settlements.unsettled()).isZero();
    }

    @Test
    void rejectKeepsTheWholeEnvelopeAndRefuseOnlyItsFirstBytes() {
        byte[] body = new byte[Limits.REFUSED_BYTES_KEPT + 100];
        Arrays.fill(body, (byte) 'b');
        ZmqDelivery rejected = delivery(body);
        ZmqDelivery refused = delivery(body);
        rejected.reject("no more retries");
        refused.refuse("bad signature");
        refused.reject("twice");
        List<DeadLetter> letters = dead.list(10, Long.MAX_VALUE);
        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).envelope()).hasSize(body.length);
        assertThat(letters.get(0).reason()).isEqualTo("no more retries");
        assertThat(letters.get(0).attempts()).isEqualTo(2);
        assertThat(letters.get(1).envelope()).hasSize(Limits.REFUSED_BYTES_KEPT);
        assertThat(letters.get(1).reason()).isEqualTo("bad signature");
        assertThat(DeadLetterStore.clientOf(letters.get(1))).isEqualTo("frame-client");
        assertThat(outgoing()).as("nobody is told of a refusal").isEmpty();
        assertThat(settlements.unsettled()).isZero();
    }
}
