package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.spi.JobListener;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel a worker consumes its job queue on and settles on, and its lives: in confirm mode with
 * the worker's prefetch, its confirms and returns handed, in the broker's order, to the consumer's IO
 * thread. Each loss of the channel (or of the connection, {@link #lost()}) starts a new life, its
 * {@link #epoch()}, so that what was published but not confirmed in an earlier one is sorted out. Sets
 * up again what automatic recovery does not ({@link #maintain}): a channel the broker closed, a
 * consumer the broker cancelled.
 *
 * <p>{@link #current()} and {@link #epoch()} may be read from any thread; the rest is called by the
 * consumer's IO thread (and once by {@code start}).
 */
final class WorkerChannel {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerChannel.class);

    private final Connection connection;
    private final Topology topology;
    private final RabbitMqSettings settings;
    private final String workerId;
    private final int prefetch;
    private final Consumer<WorkerOp> inbox;
    private final BooleanSupplier paused;
    /** The life of the channel: raised whenever it is lost, so that its unconfirmed publishes are sorted out. */
    private final AtomicInteger epoch = new AtomicInteger();
    private volatile Channel channel;
    private volatile JobSubscription subscription;
    private volatile JobListener listener;

    /**
     * Opens the channel and declares the job queues on it.
     *
     * @param inbox where confirms, returns and the deliveries' settlements go, for the IO thread
     * @param paused whether the worker takes no jobs now: then nothing is consumed again
     */
    WorkerChannel(Connection connection, Topology topology, RabbitMqSettings settings, String workerId, int prefetch,
            Consumer<WorkerOp> inbox, BooleanSupplier paused) throws IOException {
        this.connection = connection;
        this.topology = topology;
        this.settings = settings;
        this.workerId = workerId;
        this.prefetch = prefetch;
        this.inbox = inbox;
        this.paused = paused;
        Channel ch = connection.createChannel();
        topology.declareJobQueues(ch);
        setUp(ch);
    }

    private void setUp(Channel ch) throws IOException {
        ch.confirmSelect();
        ch.basicQos(prefetch);
        // confirms and returns go to the IO thread, in the order the broker sent them
        ch.addConfirmListener((seq, multiple) -> inbox.accept(new WorkerOp.Confirmed(epoch.get(), seq, multiple, false)),
                (seq, multiple) -> inbox.accept(new WorkerOp.Confirmed(epoch.get(), seq, multiple, true)));
        ch.addReturnListener(r -> inbox.accept(new WorkerOp.Returned(r.getRoutingKey(),
                r.getProperties().getMessageId(), r.getReplyText())));
        ch.addShutdownListener(cause -> {
            if (!cause.isHardError() && !cause.isInitiatedByApplication()) {
                epoch.incrementAndGet();
                LOG.warn("worker {}: the broker closed the channel ({}); opening another", workerId, cause.getMessage());
            }
        });
        channel = ch;
    }

    /** The channel of the current life. */
    Channel current() {
        return channel;
    }

    /** The current life of the channel. */
    int epoch() {
        return epoch.get();
    }

    /** The channel's life ended (the connection was lost, or the channel is given up): a new one starts. */
    void lost() {
        epoch.incrementAndGet();
    }

    /** Consumes the job queue, handing deliveries to {@code listener}, now and whenever consuming starts again. */
    void subscribe(JobListener listener) throws IOException {
        this.listener = listener;
        subscribe();
    }

    private void subscribe() throws IOException {
        JobSubscription s = new JobSubscription(channel, listener, inbox, paused, settings, workerId);
        channel.basicConsume(topology.jobs(), false, s);
        subscription = s;
    }

    /**
     * Sets up again what automatic recovery does not: a channel the broker closed, a consumer the
     * broker cancelled. Never throws: what fails is tried again at the next call.
     *
     * @param redeclare whether the job queues must be declared again (a publish found one missing);
     *     asked only while the channel is open, so that a request made while it is not stays for later
     */
    void maintain(BooleanSupplier redeclare) {
        try {
            JobSubscription s = subscription;
            boolean consuming = !paused.getAsBoolean() && listener != null;
            if (!channel.isOpen() && connection.isOpen()) {
                AmqpConnections.forget(channel);
                setUp(connection.createChannel());
                if (consuming) {
                    subscribe();
                }
            } else if (channel.isOpen() && (redeclare.getAsBoolean() || (consuming && s != null && s.cancelledByBroker))) {
                LOG.warn("worker {}: declaring {} again", workerId, topology.jobs());
                topology.declareJobQueues(channel);
                if (consuming && s != null && s.cancelledByBroker) {
                    subscribe();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("worker {}: cannot set up consuming again yet: {}", workerId, e.toString());
        }
    }

    /** Stops consuming on {@code ch}, if the consumer is there and still running. */
    void cancel(Channel ch) throws IOException {
        JobSubscription s = subscription;
        if (s != null && s.getConsumerTag() != null && s.getChannel() == ch && !s.cancelledByBroker) {
            ch.basicCancel(s.getConsumerTag());
        }
    }
}
