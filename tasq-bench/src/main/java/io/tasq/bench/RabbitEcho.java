package io.tasq.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RabbitMQ's own limit for reliable jobs, through amqp-client: clients publish persistent messages
 * to a durable queue with publisher confirms on and direct reply-to for the answers; one echo
 * consumer (manual ack, the same prefetch as a Tasq worker) publishes each message back to its
 * sender and acknowledges it.
 */
final class RabbitEcho implements BenchTarget {

    private static final String REPLY_TO = "amq.rabbitmq.reply-to";

    private final ConnectionFactory factory = new ConnectionFactory();
    private final String queue = "tasq-bench-raw-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final List<Connection> connections = new ArrayList<>();
    private final Connection echo;

    RabbitEcho(String url, int prefetch) throws Exception {
        int q = url.indexOf('?');
        factory.setUri(q < 0 ? url : url.substring(0, q));
        echo = connect();
        Channel ch = echo.createChannel();
        ch.queueDeclare(queue, true, false, false, null);
        ch.basicQos(prefetch);
        ch.basicConsume(queue, false, (tag, d) -> {
            ch.basicPublish("", d.getProperties().getReplyTo(), null, d.getBody());
            ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
        }, tag -> { });
    }

    private synchronized Connection connect() throws Exception {
        Connection c = factory.newConnection("tasq-bench-raw");
        connections.add(c);
        return c;
    }

    @Override
    public Lane open(int client, Answers answers) throws Exception {
        Channel ch = connect().createChannel();
        ch.basicConsume(REPLY_TO, true, (tag, d) -> answers.answered(EchoFrames.startOf(d.getBody()), true), tag -> { });
        ch.confirmSelect();
        AMQP.BasicProperties props = MessageProperties.PERSISTENT_BASIC.builder().replyTo(REPLY_TO).build();
        return (payload, start) -> ch.basicPublish("", queue, props, EchoFrames.frame(client, start, payload));
    }

    @Override
    public void close() {
        try (Channel ch = echo.createChannel()) {
            ch.queueDelete(queue);
        } catch (Exception e) {
            // the broker went away: nothing left to delete
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (Exception e) {
                // already closed
            }
        }
    }
}
