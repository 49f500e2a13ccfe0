package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.spi.WorkerInfo;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's answer to "who is there": it binds a queue of its own (server-named, exclusive, gone
 * with its connection) to the fanout exchange {@code tasq.NAME.presence} and answers every request
 * with its latest heartbeat, through the request's reply-to. A worker that is gone has no queue, so
 * it does not answer; one that hangs answers with an old heartbeat, which the tool sees as stale.
 *
 * <p>Thread-safe.
 */
final class Presence implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

    private final Channel channel;
    private final String workerId;
    private volatile WorkerInfo latest;

    Presence(Connection connection, Topology topology, String workerId) throws IOException {
        this.workerId = workerId;
        this.channel = connection.createChannel();
        channel.exchangeDeclare(topology.presence(), "fanout", false, true, null);
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, topology.presence(), "");
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                WorkerInfo me = latest;
                if (me == null || !LeaderQueue.directReply(p.getReplyTo())) {
                    return; // answers go through direct reply-to only, never into a queue a request names
                }
                try {
                    getChannel().basicPublish("", p.getReplyTo(),
                            new AMQP.BasicProperties.Builder().correlationId(p.getCorrelationId()).build(), io.tasq.internal.WorkerInfoCodec.encode(me));
                } catch (IOException | ShutdownSignalException e) {
                    LOG.debug("worker {}: could not answer a presence request: {}", workerId, e.toString());
                }
            }
        });
    }

    /** The heartbeat to answer with from now on. */
    void update(WorkerInfo info) {
        latest = info;
    }

    @Override
    public void close() {
        AmqpConnections.forget(channel);
    }
}
