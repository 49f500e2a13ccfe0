package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.tasq.spi.BackendUri;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.Settings;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whether a delivery tag still means something on a channel of the real broker, and which tag an operation settles. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeliveryTagsTest {

    private final String url = TestBroker.queueUrl("recovery-interval=100ms");
    private final String name = TestBroker.nameOf(url);
    private final String queue = "tasq." + name + ".jobs";

    @AfterEach
    void deleteQueues() {
        TestBroker.deleteQueues(name);
    }

    private static RabbitMqDelivery delivery(Channel from, long tag) {
        return new RabbitMqDelivery(from, tag, new AMQP.BasicProperties(), new byte[0], 1, op -> { });
    }

    @Test
    void aTagMeansSomethingOnlyOnTheChannelItCameOn() throws Exception {
        try (Connection c = TestBroker.admin()) {
            Channel one = c.createChannel();
            Channel other = c.createChannel();
            assertThat(DeliveryTags.stale(one, one, 1)).isFalse();
            assertThat(DeliveryTags.stale(one, other, 1)).isTrue();
            assertThat(DeliveryTags.stale(one, null, 1)).isTrue();
        }
    }

    @Test
    void aTagFromBeforeTheChannelWasRecoveredIsStaleOnTheSameChannel() throws Exception {
        RabbitMqSettings settings = RabbitMqSettings.from(BackendUri.parse(url), Settings.empty());
        String connectionName = "tasq-test-tags-" + name;
        Connection c = AmqpConnections.open(settings, connectionName);
        try {
            Channel ch = c.createChannel();
            ch.queueDeclare(queue, true, false, false, null);
            BlockingQueue<Long> tags = new LinkedBlockingQueue<>();
            ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                    tags.add(envelope.getDeliveryTag());
                }
            });
            ch.basicPublish("", queue, null, new byte[] {1});
            long before = tags.take();
            assertThat(DeliveryTags.stale(ch, ch, before)).isFalse();

            assertThat(TestBroker.closeConnections(connectionName)).isEqualTo(1);
            // recovery consumes again, and the broker delivers the unacknowledged message anew
            long after = tags.take();
            assertThat(after).isGreaterThan(before);
            assertThat(ch.isOpen()).isTrue();
            assertThat(DeliveryTags.stale(ch, ch, before)).as("settled by recovery, never again").isTrue();
            assertThat(DeliveryTags.stale(ch, ch, after)).isFalse();
        } finally {
            AmqpConnections.quietlyClose(c);
        }
    }

    @Test
    void onlyOperationsThatSettleADeliveryOnConfirmHaveATag() throws Exception {
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            RabbitMqDelivery d = delivery(ch, 7);
            ResultMessage result = new ResultMessage("client", "job", new byte[0]);
            List<WorkerOp> settling = List.of(new WorkerOp.Complete(d, result), new WorkerOp.Reject(d, "why"),
                    new WorkerOp.Refuse(d, "why", 0), new WorkerOp.Forward(ch, 7, new AMQP.BasicProperties(),
                            new byte[0], 2, 0, true));
            for (WorkerOp op : settling) {
                assertThat(DeliveryTags.tag(op)).as("%s", op).isEqualTo(7);
                assertThat(DeliveryTags.stale(ch, op)).as("%s", op).isFalse();
                assertThat(DeliveryTags.stale(c.createChannel(), op)).as("%s on another channel", op).isTrue();
            }
            List<WorkerOp> others = List.of(new WorkerOp.Ack(d), new WorkerOp.Release(ch, 7),
                    new WorkerOp.Bury("job", "client", new byte[0], "why", 1), new WorkerOp.Publish(result));
            for (WorkerOp op : others) {
                assertThat(DeliveryTags.tag(op)).as("%s", op).isEqualTo(-1);
                assertThat(DeliveryTags.stale(ch, op)).as("%s", op).isTrue();
            }
        }
    }
}
