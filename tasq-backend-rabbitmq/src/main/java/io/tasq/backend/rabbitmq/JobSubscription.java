package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.tasq.spi.JobListener;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the job queue on one channel of a worker, on the connection's dispatch thread, and hands
 * every delivery to the runtime, which verifies it before anything else. Nothing a publisher wrote in
 * the message's properties changes what happens to it here: the attempt count is read bounded, and
 * early jobs are not held back on their {@code x-tasq-not-before} header (the runtime defers them by
 * their signed time, {@link RabbitMqDelivery#defer}). Two things are decided here, on what the broker
 * and the socket say rather than on what the publisher wrote:
 *
 * <ul>
 *   <li>a message cut on its way in because it was larger than the worker takes
 *       ({@link SizeLimitedFrames}) is refused: its first bytes go to the dead letters;
 *   <li>on classic queues, a delivery the broker flags as redelivered (its worker was lost, or handed
 *       it back) is published again with its attempt count raised and acknowledged once that is
 *       confirmed, due at once: the copy is what the worker receives, and runs. Quorum queues count
 *       deliveries themselves ({@code x-delivery-count}, added bounded).
 * </ul>
 *
 * <p>Thread-safe: the client library calls it on one thread at a time.
 */
final class JobSubscription extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(JobSubscription.class);

    private final JobListener listener;
    private final Consumer<WorkerOp> ops;
    private final BooleanSupplier paused;
    private final boolean quorum;
    private final String workerId;
    private final long maxBytes;
    volatile boolean cancelledByBroker;

    JobSubscription(Channel channel, JobListener listener, Consumer<WorkerOp> ops, BooleanSupplier paused,
            RabbitMqSettings settings, String workerId) {
        super(channel);
        this.listener = listener;
        this.ops = ops;
        this.paused = paused;
        this.quorum = settings.quorum();
        this.workerId = workerId;
        this.maxBytes = settings.maxMessageBytes();
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        Channel from = getChannel();
        long tag = envelope.getDeliveryTag();
        try {
            if (paused.getAsBoolean()) {
                ops.accept(new WorkerOp.Release(from, tag));
                return;
            }
            int attempt = Messages.attempt(properties);
            if (quorum) {
                attempt = Messages.plusDeliveries(attempt, properties);
            }
            RabbitMqDelivery delivery = new RabbitMqDelivery(from, tag, properties, body, attempt, ops);
            long cut = SizeLimitedFrames.cutFrom(properties);
            if (cut >= 0) {
                LOG.warn("worker {}: refused a message of {} bytes, more than the {} this worker takes "
                        + "(envelope.max-bytes); its first {} bytes went to the dead letters", workerId, cut, maxBytes,
                        body.length);
                delivery.refuse("refused unread: " + cut + " bytes, more than the " + maxBytes + " this worker "
                        + "takes (envelope.max-bytes)", cut);
                return;
            }
            if (!quorum && envelope.isRedeliver()) {
                ops.accept(new WorkerOp.Forward(from, tag, properties, body, Messages.next(attempt), 0, false));
                return;
            }
            listener.onJob(delivery);
        } catch (RuntimeException e) {
            // never let an exception reach the client library: it would close the channel
            LOG.error("worker {}: handing over a delivery failed; it goes back to the queue", workerId, e);
            ops.accept(new WorkerOp.Release(from, tag));
        }
    }

    @Override
    public void handleCancel(String consumerTag) {
        cancelledByBroker = true;
        LOG.warn("worker {}: the broker stopped the consumer of the job queue (was the queue deleted?)", workerId);
    }
}
