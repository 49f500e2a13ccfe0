package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.spi.ResultMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bookkeeping of publishes waiting for their confirm. */
class UnconfirmedTest {

    private final Unconfirmed unconfirmed = new Unconfirmed();

    private static WorkerOp.Publish publish(String job) {
        return new WorkerOp.Publish(new ResultMessage("client", job, new byte[0]));
    }

    private static List<WorkerOp> ops(List<Unconfirmed.Pending> pending) {
        return pending.stream().map(p -> p.op).toList();
    }

    @Test
    void aConfirmTakesItsOwnPublishOrAllUpToItsNumberOfItsChannelLifeOnly() {
        WorkerOp a = publish("a");
        WorkerOp b = publish("b");
        WorkerOp c = publish("c");
        WorkerOp d = publish("d");
        unconfirmed.add(1, 1, a, "q", "a");
        unconfirmed.add(1, 2, b, "q", "b");
        unconfirmed.add(1, 3, c, "q", "c");
        unconfirmed.add(2, 1, d, "q", "d");
        assertThat(ops(unconfirmed.take(new WorkerOp.Confirmed(1, 2, false, false)))).containsExactly(b);
        assertThat(ops(unconfirmed.take(new WorkerOp.Confirmed(1, 3, true, false)))).containsExactly(a, c);
        assertThat(unconfirmed.take(new WorkerOp.Confirmed(1, 3, true, false))).isEmpty();
        assertThat(unconfirmed.take(new WorkerOp.Confirmed(9, 1, true, false))).isEmpty();
        assertThat(unconfirmed.idle()).isFalse();
        assertThat(ops(unconfirmed.take(new WorkerOp.Confirmed(2, 1, false, true)))).containsExactly(d);
        assertThat(unconfirmed.idle()).isTrue();
    }

    @Test
    void aReturnMarksTheFirstUnmarkedPublishToItsQueueWithItsMessageId() {
        unconfirmed.add(1, 1, publish("a"), "q1", "m");
        unconfirmed.add(1, 2, publish("b"), "q1", "m");
        unconfirmed.add(1, 3, publish("c"), "q2", "m");
        unconfirmed.returned(new WorkerOp.Returned("q1", "m", "NO_ROUTE"));
        unconfirmed.returned(new WorkerOp.Returned("q2", "other", "NO_ROUTE"));
        List<Unconfirmed.Pending> all = unconfirmed.take(new WorkerOp.Confirmed(1, 3, true, false));
        assertThat(all).extracting(p -> p.returned).containsExactly("NO_ROUTE", null, null);
    }

    @Test
    void aLostChannelLifeLeavesOnlyWhatStillMattersToBeDoneAgain() throws Exception {
        try (Connection c = TestBroker.admin()) {
            Channel lost = c.createChannel();
            Channel current = c.createChannel();
            ResultMessage result = new ResultMessage("client", "job", new byte[0]);
            RabbitMqDelivery onLost = new RabbitMqDelivery(lost, 1, new AMQP.BasicProperties(), new byte[0], 1,
                    op -> { });
            RabbitMqDelivery onCurrent = new RabbitMqDelivery(current, 1, new AMQP.BasicProperties(), new byte[0], 1,
                    op -> { });
            WorkerOp ranOnLost = new WorkerOp.Complete(onLost, result);
            WorkerOp free = new WorkerOp.Publish(result);
            WorkerOp buried = new WorkerOp.Bury("job", "client", new byte[0], "why", 1);
            WorkerOp rejectOnLost = new WorkerOp.Reject(onLost, "why");
            WorkerOp rejectOnCurrent = new WorkerOp.Reject(onCurrent, "why");
            WorkerOp ofThisLife = new WorkerOp.Reject(onCurrent, "now");
            unconfirmed.add(1, 1, ranOnLost, "q", "1");
            unconfirmed.add(1, 2, free, "q", "2");
            unconfirmed.add(1, 3, buried, "q", "3");
            unconfirmed.add(1, 4, rejectOnLost, "q", "4");
            unconfirmed.add(1, 5, rejectOnCurrent, "q", "5");
            unconfirmed.add(2, 1, ofThisLife, "q", "6");
            assertThat(unconfirmed.salvage(current, 2)).containsExactly(ranOnLost, free, buried, rejectOnCurrent);
            assertThat(unconfirmed.salvage(current, 2)).isEmpty();
            assertThat(ops(unconfirmed.take(new WorkerOp.Confirmed(2, 1, false, false)))).containsExactly(ofThisLife);
        }
    }
}
