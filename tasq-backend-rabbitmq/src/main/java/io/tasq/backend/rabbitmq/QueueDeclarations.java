package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.ConfigurationException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Declares a durable queue, and says what it means when the broker refuses because the queue exists
 * with other arguments (a client or worker of the same queue with other settings): a
 * {@link ConfigurationException} naming the settings to align. Stateless.
 */
final class QueueDeclarations {

    private QueueDeclarations() {
    }

    /** Declares on a channel of its own, so that a refused declaration does not close a working one. */
    static void declare(Connection connection, RabbitMqSettings settings, String queue, Map<String, Object> args)
            throws IOException {
        Channel channel = connection.createChannel();
        try {
            declare(channel, settings, queue, args);
        } finally {
            try {
                if (channel.isOpen()) {
                    channel.close();
                }
            } catch (TimeoutException | IOException | ShutdownSignalException e) {
                // the declaration is what mattered
            }
        }
    }

    /**
     * Declares on {@code channel}, which the broker closes if it refuses.
     *
     * @throws ConfigurationException if the queue exists with other arguments
     */
    static void declare(Channel channel, RabbitMqSettings settings, String queue, Map<String, Object> args)
            throws IOException {
        try {
            channel.queueDeclare(queue, true, false, false, args);
        } catch (IOException e) {
            ShutdownSignalException s = AmqpConnections.shutdownCause(e);
            if (s != null && !s.isHardError() && s.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == 406) {
                throw new ConfigurationException("queue '" + queue + "' on " + settings + " already exists with "
                        + "other settings than " + args + " (" + close.getReplyText() + "): every client and worker "
                        + "of a queue must use the same queue-type, delivery-limit, queue-expires, result-ttl and "
                        + "dead-letter-max, or delete the queue", e);
            }
            throw e;
        }
    }
}
