package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is read from headers anyone can write is bounded and never throws; what is copied is Tasq's own. */
class MessagesTest {

    private static AMQP.BasicProperties with(String header, Object value) {
        Map<String, Object> h = new HashMap<>();
        h.put(header, value);
        return new AMQP.BasicProperties.Builder().headers(h).build();
    }

    @Test
    void attemptAndRunAreBoundedWhateverTheHeaderHolds() {
        for (Object v : new Object[] {"3", -5, 0, Long.MIN_VALUE, Double.NaN, Map.of(), List.of(), new byte[2], null}) {
            assertThat(Messages.attempt(with(Topology.ATTEMPT, v))).isEqualTo(1);
            assertThat(Messages.run(with(Topology.RUN, v))).isZero();
        }
        assertThat(Messages.attempt(with(Topology.ATTEMPT, 3))).isEqualTo(3);
        assertThat(Messages.attempt(with(Topology.ATTEMPT, Long.MAX_VALUE))).isEqualTo(Messages.MAX_ATTEMPT);
        assertThat(Messages.attempt(with(Topology.ATTEMPT, 1e300))).isEqualTo(Messages.MAX_ATTEMPT);
        assertThat(Messages.next(Messages.MAX_ATTEMPT)).isEqualTo(Messages.MAX_ATTEMPT);
        assertThat(Messages.plusDeliveries(Messages.MAX_ATTEMPT, with("x-delivery-count", Long.MAX_VALUE)))
                .isEqualTo(Messages.MAX_ATTEMPT);
        assertThat(Messages.plusDeliveries(2, with("x-delivery-count", -7))).isEqualTo(2);
        assertThat(Messages.plusDeliveries(2, with("x-delivery-count", 3))).isEqualTo(5);
    }

    @Test
    void aCopyKeepsItsIdsAndTasqsHeadersOnly() {
        Map<String, Object> h = new HashMap<>();
        h.put("CC", List.of("elsewhere"));
        h.put("x-padding", "p".repeat(100_000));
        h.put(Topology.RUN, 4L);
        h.put(Topology.ATTEMPT, "nonsense");
        h.put("x-delivery-count", 9);
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().messageId("j1").replyTo("tasq.q.reply.c1")
                .userId("someone").expiration("1000000000000000").priority(9).headers(h).build();
        AMQP.BasicProperties copy = Messages.forwarded(p, 2, 0);
        assertThat(copy.getMessageId()).isEqualTo("j1");
        assertThat(copy.getReplyTo()).isEqualTo("tasq.q.reply.c1");
        assertThat(copy.getUserId()).isNull();
        assertThat(copy.getExpiration()).isNull();
        assertThat(copy.getDeliveryMode()).isEqualTo(2);
        assertThat(copy.getHeaders()).containsOnly(Map.entry(Topology.RUN, 4L), Map.entry(Topology.ATTEMPT, 2));
        assertThat(Messages.deadLetter(p, "why", "w1", 5).getHeaders()).containsKeys(Topology.REASON, Topology.RUN)
                .doesNotContainKeys("CC", "x-padding", "x-delivery-count");
        assertThat(Messages.refused(p, 123, "why", "w1", 5).getHeaders()).containsEntry(Topology.REFUSED_BYTES, 123L)
                .doesNotContainKeys("CC", "x-padding", Topology.RUN);
    }

    @Test
    void aForgedMessageOfResultsIsRefusedBeforeAnythingIsAllocated() {
        AMQP.BasicProperties several = Messages.results(2);
        byte[] lying = ByteBuffer.allocate(12).putInt(2).putInt(Integer.MAX_VALUE).putInt(0).array();
        assertThatThrownBy(() -> Messages.results(several, lying)).isInstanceOf(IllegalArgumentException.class);
        byte[] negative = ByteBuffer.allocate(8).putInt(1).putInt(-4).array();
        assertThatThrownBy(() -> Messages.results(several, negative)).isInstanceOf(IllegalArgumentException.class);
        byte[] manyClaimed = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
        assertThatThrownBy(() -> Messages.results(several, manyClaimed)).isInstanceOf(IllegalArgumentException.class);
    }
}
