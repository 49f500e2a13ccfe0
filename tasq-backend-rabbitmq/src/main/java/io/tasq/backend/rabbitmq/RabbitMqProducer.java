package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.BackendUnavailableException;
import io.tasq.ClientClosedException;
import io.tasq.TasqException;
import io.tasq.backend.rabbitmq.PublishTracker.Epoch;
import io.tasq.backend.rabbitmq.PublishTracker.Outgoing;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.ResultListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side. One IO thread publishes jobs, persistent, on a channel in confirm mode, pipelined
 * up to a window; a job's stage completes when the broker confirms it, and fails if the broker
 * refuses it (nack) or cannot route it (return). Results come through a {@link ResultSubscriber}
 * on a second connection.
 *
 * <p>When the connection drops, automatic recovery reconnects and declares the queues again; what it
 * does not cover is done here: the jobs published but not confirmed before the drop are published
 * again, in order, once the connection is back (see {@link PublishTracker}), and jobs sent
 * meanwhile wait. A channel the broker closes on its own is replaced, and a reply queue someone
 * deleted is declared and consumed again.
 *
 * <p>Thread-safe: {@link #send} only queues and wakes the IO thread.
 */
final class RabbitMqProducer implements JobProducer {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqProducer.class);
    /** Jobs in flight at most: enough to keep the broker busy, few enough to send again after a drop. */
    private static final int WINDOW = 4_096;
    /** How long closing waits for jobs already handed over to be confirmed. */
    private static final long CLOSE_GRACE_MILLIS = 2_000;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final RabbitMqSettings settings;
    private final Topology topology;
    private final String clientId;
    private final Connection connection;
    private final Connection resultsConnection;
    private final ResultSubscriber results;
    private final PublishTracker tracker;
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong order = new AtomicLong();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread io;
    private volatile Channel channel;
    private volatile boolean running = true;
    private volatile boolean redeclare;

    // owned by the IO thread: jobs to publish before those of the outbox
    private final ArrayDeque<Outgoing> ready = new ArrayDeque<>();

    RabbitMqProducer(RabbitMqSettings settings, Topology topology, String clientId, ResultListener listener) {
        this.settings = settings;
        this.topology = topology;
        this.clientId = clientId;
        this.tracker = new PublishTracker(topology.jobs(), () -> {
            redeclare = true;
            topology.delays().forget();
        });
        topology.checkedReply(clientId);
        String name = "tasq " + settings.name() + " client " + clientId;
        this.connection = AmqpConnections.open(settings, name + " jobs");
        Connection rc = null;
        try {
            Channel ch = connection.createChannel();
            topology.declareJobQueues(ch);
            openChannel(ch);
            rc = AmqpConnections.open(settings, name + " results");
            this.results = ResultSubscriber.start(rc, topology, clientId, listener);
        } catch (IOException | RuntimeException e) {
            AmqpConnections.quietlyClose(rc);
            AmqpConnections.quietlyClose(connection);
            throw e instanceof TasqException te ? te : new BackendUnavailableException("cannot set up the queues of "
                    + settings + ": " + e, e);
        }
        this.resultsConnection = rc;
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                lost("lost the connection to " + settings.addresses() + " (" + cause.getMessage()
                        + "); reconnecting every " + settings.recoveryInterval().toMillis() + " ms");
            }
        });
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                LOG.info("client {}: reconnected to {}", clientId, settings.addresses());
                tracker.up();
                wake();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // nothing to do before: the shutdown listener already stopped publishing
            }
        });
        this.io = new Thread(this::loop, "tasq-amqp-client-" + clientId);
        io.setDaemon(true);
        io.start();
    }

    /** Puts {@code ch} in confirm mode and listens to it; it becomes the channel jobs go through. */
    private void openChannel(Channel ch) throws IOException {
        ch.confirmSelect();
        ch.addConfirmListener((seq, multiple) -> confirmed(seq, multiple, false),
                (seq, multiple) -> confirmed(seq, multiple, true));
        ch.addReturnListener(r -> tracker.returned(r.getProperties().getMessageId(),
                r.getReplyText() + " for queue " + r.getRoutingKey()));
        ch.addShutdownListener(cause -> {
            if (!cause.isHardError() && !cause.isInitiatedByApplication()) {
                lost("the broker closed the channel jobs go through (" + cause.getMessage() + "); opening another");
            }
        });
        channel = ch;
    }

    private void lost(String why) {
        LOG.warn("client {}: {}", clientId, why);
        tracker.retire();
        wake();
    }

    private void confirmed(long seq, boolean multiple, boolean nack) {
        tracker.confirmed(seq, multiple, nack);
        if (tracker.epoch().inFlight() < WINDOW / 2) {
            wake();
        }
    }

    @Override
    public CompletionStage<Void> send(OutboundJob job) {
        Outgoing o = new Outgoing(job, order.incrementAndGet());
        if (job.body().length > Topology.MAX_MESSAGE_BYTES) {
            o.accepted.completeExceptionally(new TasqException("job " + job.jobId() + " is " + job.body().length
                    + " bytes; RabbitMQ takes at most " + Topology.MAX_MESSAGE_BYTES + " bytes per message"));
            return o.accepted;
        }
        if (!running) {
            o.accepted.completeExceptionally(closedFailure(job));
            return o.accepted;
        }
        outbox.add(o);
        if (!running && outbox.remove(o)) {
            o.accepted.completeExceptionally(closedFailure(job)); // close() already drained the outbox
        }
        wake();
        return o.accepted;
    }

    private void wake() {
        if (signalled.compareAndSet(false, true)) {
            LockSupport.unpark(io);
        }
    }

    private void loop() {
        long closeBy = Long.MAX_VALUE;
        try {
            while (true) {
                signalled.set(false);
                if (!running && closeBy == Long.MAX_VALUE) {
                    closeBy = System.currentTimeMillis() + CLOSE_GRACE_MILLIS;
                }
                maintain();
                Epoch ep = tracker.epoch();
                if (ep.up()) {
                    publish(ep);
                }
                if (closeBy != Long.MAX_VALUE && (!ep.up() || System.currentTimeMillis() >= closeBy
                        || (ready.isEmpty() && outbox.isEmpty() && ep.inFlight() == 0))) {
                    break;
                }
                if (!signalled.get()) {
                    LockSupport.parkNanos(this, TICK_NANOS);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("client {}: the RabbitMQ IO thread failed", clientId, e);
        } finally {
            running = false;
            List<Outgoing> left = new ArrayList<>(ready);
            ready.clear();
            left.addAll(tracker.drain());
            for (Outgoing o; (o = outbox.poll()) != null; ) {
                left.add(o);
            }
            left.forEach(o -> o.accepted.completeExceptionally(closedFailure(o.job)));
        }
    }

    /** Recovers what automatic recovery does not: jobs of a lost channel, a channel closed by the broker. */
    private void maintain() {
        if (!channel.isOpen() && connection.isOpen()) {
            try {
                AmqpConnections.forget(channel);
                openChannel(connection.createChannel());
                tracker.up();
            } catch (IOException | ShutdownSignalException e) {
                LOG.warn("client {}: cannot open a channel yet: {}", clientId, e.toString());
            }
        }
        List<Outgoing> again = tracker.adopt();
        if (!again.isEmpty()) {
            LOG.info("client {}: publishing {} unconfirmed job(s) again", clientId, again.size());
            again.addAll(ready);
            again.sort(Comparator.comparingLong(o -> o.order));
            ready.clear();
            ready.addAll(again);
            topology.delays().forget();
        }
        if (tracker.epoch().up() && (redeclare || results.cancelled())) {
            try {
                topology.declareJobQueues(channel);
                if (results.cancelled()) {
                    results.resubscribe(topology, clientId);
                }
                redeclare = false;
            } catch (IOException | ShutdownSignalException e) {
                LOG.warn("client {}: cannot declare the queues again yet: {}", clientId, e.toString());
            }
        }
    }

    private void publish(Epoch ep) {
        Channel ch = channel;
        while (ep.inFlight() < WINDOW) {
            Outgoing o = ready.poll();
            if (o == null && (o = outbox.poll()) == null) {
                return;
            }
            if (o.accepted.isDone()) {
                continue;
            }
            long seq = -1;
            try {
                String queue = topology.delays().route(connection, o.job.notBeforeMillis(), System.currentTimeMillis(), true);
                seq = ch.getNextPublishSeqNo();
                tracker.publishing(ep, seq, o);
                ch.basicPublish("", queue, true, properties(o.job), o.job.body());
            } catch (IOException | ShutdownSignalException e) {
                tracker.notPublished(ep, seq, o);
                ready.addFirst(o);
                LOG.debug("client {}: publishing paused: {}", clientId, e.toString());
                return;
            }
        }
    }

    private AMQP.BasicProperties properties(OutboundJob job) {
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .messageId(job.jobId())
                .replyTo(topology.reply(job.replyTo()));
        if (job.notBeforeMillis() > 0) {
            b.headers(Map.of(Topology.NOT_BEFORE, job.notBeforeMillis()));
        }
        return b.build();
    }

    private ClientClosedException closedFailure(OutboundJob job) {
        return new ClientClosedException("the RabbitMQ connection of client " + clientId + " closed before the broker "
                + "confirmed job " + job.jobId());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        wake();
        try {
            io.join(CLOSE_GRACE_MILLIS + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AmqpConnections.quietlyClose(resultsConnection);
        AmqpConnections.quietlyClose(connection);
        for (Outgoing o; (o = outbox.poll()) != null; ) {
            o.accepted.completeExceptionally(closedFailure(o.job)); // sent while the IO thread was finishing
        }
    }

    @Override
    public String toString() {
        return "RabbitMqProducer{client=" + clientId + ", " + settings + "}";
    }
}
