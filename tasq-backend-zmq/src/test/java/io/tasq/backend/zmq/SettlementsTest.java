package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.spi.DeadLetter;
import io.tasq.spi.Limits;
import io.tasq.spi.ResultMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a worker's deliveries settle into, without sockets: the outbox, the dead letters, the unsettled count. */
class SettlementsTest {

    private final Wakeup wakeup = new Wakeup();
    private final DeadLetterStore dead = new DeadLetterStore(10, "w1", "test");
    private final Settlements settlements = new Settlements(dead, wakeup, "test");

    @AfterEach
    void close() {
        wakeup.close();
    }

    private List<ClientMessage> drained() {
        List<ClientMessage> out = new ArrayList<>();
        assertThat(settlements.drainOutgoing(out::add)).isEqualTo(out.size());
        return out;
    }

    @Test
    void aJobTakenIsUnsettledUntilItsDeliveryIsSettled() {
        ZmqDelivery d = settlements.take(new Frames.Job("j1", 3, "client-1", new byte[] {1, 2}));
        assertThat(d.attempt()).isEqualTo(3);
        assertThat(d.body()).containsExactly(1, 2);
        settlements.take(new Frames.Job("j2", 1, "client-1", new byte[0]));
        assertThat(settlements.unsettled()).isEqualTo(2);
        d.ack();
        assertThat(settlements.unsettled()).isEqualTo(1);
    }

    @Test
    void resultsAndHandBacksWaitInOrderForTheIoThread() {
        assertThat(settlements.hasOutgoing()).isFalse();
        settlements.publish(new ResultMessage("client-1", "j1", new byte[] {7}));
        settlements.handBack("client-2", "j2");
        assertThat(settlements.hasOutgoing()).isTrue();

        List<ClientMessage> out = drained();

        assertThat(out).extracting(ClientMessage::replyTo).containsExactly("client-1", "client-2");
        assertThat(Frames.is(out.get(0).command(), Frames.RESULT)).isTrue();
        assertThat(out.get(0).jobId()).isEqualTo(Frames.utf8("j1"));
        assertThat(out.get(0).body()).containsExactly(7);
        assertThat(Frames.is(out.get(1).command(), Frames.RELEASED)).isTrue();
        assertThat(out.get(1).body()).as("a hand-back carries no body").isNull();
        assertThat(settlements.hasOutgoing()).isFalse();
        assertThat(drained()).isEmpty();
    }

    @Test
    void aFrameThatIsNoJobIsDeadLetteredTruncatedAndUnlabelled() {
        byte[] frame = new byte[Limits.REFUSED_BYTES_KEPT * 3];
        Arrays.fill(frame, (byte) 'g');
        settlements.refuseMalformed(frame);
        settlements.refuseMalformed(new byte[] {1});
        List<DeadLetter> letters = dead.list(10, Long.MAX_VALUE);
        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).envelope()).hasSize(Limits.REFUSED_BYTES_KEPT);
        assertThat(letters.get(0).jobId()).isEmpty();
        assertThat(letters.get(0).reason()).isEqualTo("refused: not a job frame");
        assertThat(settlements.unsettled()).isZero();
    }

    @Test
    void aDeadLetterSentBackIsANewDeliveryOfAttemptOneForItsClient() {
        settlements.deadLetter("j1", "client-1", new byte[] {4}, 5, "failed 5 times");
        List<ZmqDelivery> back = new ArrayList<>();
        assertThat(dead.remove(Set.of(), d -> back.add(settlements.take(d)))).isEqualTo(1);
        ZmqDelivery d = back.get(0);
        assertThat(d.attempt()).isEqualTo(1);
        assertThat(d.body()).containsExactly(4);
        assertThat(settlements.unsettled()).isEqualTo(1);
        d.release();
        assertThat(drained()).singleElement().satisfies(o -> {
            assertThat(o.replyTo()).isEqualTo("client-1");
            assertThat(o.jobId()).isEqualTo(Frames.utf8("j1"));
        });
    }
}
