package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.spi.ResultListener;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a client's reply queue on a connection of its own, so that the broker blocking the
 * client's publishing connection (a memory alarm) never stops results from being taken. A message
 * may hold several results (a worker sends what it has ready for this client at once together). A result is
 * acknowledged only after it was handed to the listener, so one in flight when the connection
 * drops comes again (the client ignores a result it already has).
 *
 * <p>Thread-safe: deliveries arrive on the connection's dispatch thread.
 */
final class ResultSubscriber extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ResultSubscriber.class);
    /** Results the broker may push ahead of acknowledgements. */
    private static final int PREFETCH = 1_000;

    private final String queue;
    private final ResultListener listener;
    private volatile boolean cancelled;

    private ResultSubscriber(Channel channel, String queue, ResultListener listener) {
        super(channel);
        this.queue = queue;
        this.listener = listener;
    }

    /** Declares {@code clientId}'s reply queue on {@code connection} and starts consuming it. */
    static ResultSubscriber start(Connection connection, Topology topology, String clientId, ResultListener listener)
            throws IOException {
        Channel channel = connection.createChannel();
        // declared on this connection, so that its recovery declares the queue again before consuming
        topology.declareReplyQueue(channel, clientId);
        channel.basicQos(PREFETCH);
        ResultSubscriber s = new ResultSubscriber(channel, topology.reply(clientId), listener);
        channel.basicConsume(s.queue, false, s);
        return s;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        long cut = SizeLimitedFrames.cutFrom(properties);
        if (cut >= 0) {
            // anyone who can publish to the broker can publish here: what is larger than a result may be is dropped unread
            LOG.warn("dropped a message of {} bytes from {}: more than this client takes (envelope.max-bytes)", cut,
                    queue);
        } else {
            try {
                for (byte[] result : Messages.results(properties, body)) {
                    listener.onResult(result);
                }
            } catch (RuntimeException e) {
                LOG.warn("dropped a message from {} that holds no results it can read: {}", queue, e.toString());
            }
        }
        try {
            // at once, not batched: the broker confirms a result to its worker as soon as it is
            // acknowledged here (sooner than its disk write), and the worker waits for that confirm
            // before it acknowledges the job
            getChannel().basicAck(envelope.getDeliveryTag(), false);
        } catch (IOException | ShutdownSignalException e) {
            // the connection is down: the broker delivers this result again once it is back
            LOG.debug("could not acknowledge a result on {}: {}", queue, e.toString());
        }
    }

    @Override
    public void handleCancel(String consumerTag) {
        // the broker cancels a consumer only when its queue is gone: someone deleted it
        cancelled = true;
        LOG.warn("the reply queue {} was deleted on the broker; declaring it again (results sent meanwhile are lost)",
                queue);
    }

    /** Whether the broker cancelled the subscription; {@link #resubscribe} starts it again. */
    boolean cancelled() {
        return cancelled;
    }

    /** Declares the reply queue again and consumes it, after the broker cancelled the subscription. */
    void resubscribe(Topology topology, String clientId) throws IOException {
        cancelled = false;
        topology.declareReplyQueue(getChannel(), clientId);
        getChannel().basicConsume(queue, false, this);
    }

    String queue() {
        return queue;
    }
}
