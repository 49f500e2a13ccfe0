package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.BackendUnavailableException;
import io.tasq.TasqException;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.ResultMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side: consumes the job queue with manual acknowledgement and a prefetch of the
 * worker's {@link ConsumerOptions#prefetch()}, and settles jobs from one IO thread on a
 * transactional channel. Results, acknowledgements, hand-backs and dead letters queue up while a
 * transaction commits and go in the next one, so a busy worker commits many at once, and a result
 * and its job's acknowledgement are committed together: a worker killed in between leaves neither.
 *
 * <p>A job the broker delivers again (its worker was lost, or handed it back) is first published
 * again with its attempt count raised and the old copy acknowledged, in one transaction; a job that
 * comes early goes back to a delay queue the same way. Automatic recovery reconnects, declares the
 * queues and consumes again; settlements of deliveries from before a drop are dropped (the broker
 * delivers those jobs again), and a transaction cut by the drop is committed again on the new
 * channel. A channel the broker closes on its own, or a consumer it cancels (the queue was deleted),
 * is set up again.
 *
 * <p>Thread-safe.
 */
final class RabbitMqConsumer implements JobConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqConsumer.class);
    private static final int MAX_BATCH = 1_000;
    /** A batch that fails this often on a live connection is dropped rather than retried forever. */
    private static final int MAX_FAILURES = 5;

    private final RabbitMqSettings settings;
    private final Topology topology;
    private final ConsumerOptions options;
    private final Connection connection;
    private final LinkedBlockingQueue<WorkerOp> ops = new LinkedBlockingQueue<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Channel channel;
    private volatile Subscription subscription;
    private volatile boolean paused;
    private volatile boolean running = true;
    private JobListener listener;
    private Thread io;

    RabbitMqConsumer(RabbitMqSettings settings, Topology topology, ConsumerOptions options) {
        this.settings = settings;
        this.topology = topology;
        this.options = options;
        this.connection = Connections.open(settings, "tasq " + settings.name() + " worker " + options.workerId());
        try {
            Channel ch = connection.createChannel();
            topology.declareJobQueues(ch);
            setUp(ch);
        } catch (IOException | RuntimeException e) {
            RabbitMqProducer.quietlyClose(connection);
            throw e instanceof TasqException te ? te : new BackendUnavailableException("cannot set up the queues of "
                    + settings + ": " + e, e);
        }
    }

    private void setUp(Channel ch) throws IOException {
        ch.txSelect();
        ch.basicQos(options.prefetch());
        ch.addReturnListener(r -> {
            if (r.getRoutingKey().startsWith(topology.reply(""))) {
                LOG.warn("worker {}: the result of job {} was dropped: its client's queue {} does not exist (the "
                        + "client has been gone longer than result-ttl)", options.workerId(),
                        r.getProperties().getCorrelationId(), r.getRoutingKey());
            } else {
                LOG.error("worker {}: job {} was lost: queue {} does not exist ({})", options.workerId(),
                        r.getProperties().getMessageId(), r.getRoutingKey(), r.getReplyText());
            }
        });
        channel = ch;
    }

    @Override
    public String describe() {
        return settings + " (queue " + topology.jobs() + ", dead letters in " + topology.dead() + ")";
    }

    @Override
    public void start(JobListener listener) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        this.listener = listener;
        try {
            subscribe();
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot consume " + topology.jobs() + " on " + settings + ": " + e, e);
        }
        io = new Thread(this::loop, "tasq-amqp-worker-" + options.workerId());
        io.setDaemon(true);
        io.start();
    }

    private void subscribe() throws IOException {
        Subscription s = new Subscription(channel);
        channel.basicConsume(topology.jobs(), false, s);
        subscription = s;
    }

    @Override
    public void publish(ResultMessage result) {
        ops.add(new WorkerOp.Publish(result));
    }

    @Override
    public void pause() {
        if (!paused) {
            paused = true;
            ops.add(new WorkerOp.Cancel());
        }
    }

    private void loop() {
        List<WorkerOp> batch = new ArrayList<>();
        int failures = 0;
        try {
            while (running || !ops.isEmpty() || !batch.isEmpty()) {
                if (batch.isEmpty()) {
                    WorkerOp first = ops.poll(100, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        batch.add(first);
                        ops.drainTo(batch, MAX_BATCH - 1);
                    }
                }
                maintain();
                if (batch.isEmpty()) {
                    continue;
                }
                Channel ch = channel;
                if (!ch.isOpen()) {
                    if (!running) {
                        break; // closing while the broker is away: what is not settled is delivered again
                    }
                    Thread.sleep(50); // the connection is recovering
                    continue;
                }
                try {
                    for (WorkerOp op : batch) {
                        apply(ch, op);
                    }
                    ch.txCommit();
                    batch.clear();
                    failures = 0;
                } catch (IOException | ShutdownSignalException e) {
                    // nothing of an uncommitted transaction happened: the whole batch goes again
                    if (connection.isOpen() && ++failures >= MAX_FAILURES) {
                        LOG.error("worker {}: dropping {} settlement(s) that failed {} times: {}", options.workerId(),
                                batch.size(), failures, e.toString());
                        batch.clear();
                        failures = 0;
                    } else {
                        LOG.debug("worker {}: commit failed, will retry: {}", options.workerId(), e.toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("worker {}: the RabbitMQ IO thread failed", options.workerId(), e);
        } finally {
            RabbitMqProducer.quietlyClose(connection);
        }
    }

    /** Sets up again what automatic recovery does not: a channel the broker closed, a cancelled consumer. */
    private void maintain() {
        try {
            if (!channel.isOpen() && connection.isOpen()) {
                LOG.warn("worker {}: the broker closed the channel; opening another", options.workerId());
                setUp(connection.createChannel());
                if (!paused) {
                    subscribe();
                }
            } else if (!paused && subscription.cancelledByBroker) {
                LOG.warn("worker {}: the broker cancelled consuming {} (was it deleted?); declaring it again",
                        options.workerId(), topology.jobs());
                topology.declareJobQueues(channel);
                subscribe();
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.warn("worker {}: cannot set up consuming again yet: {}", options.workerId(), e.toString());
        }
    }

    private void apply(Channel ch, WorkerOp op) throws IOException {
        if (op instanceof WorkerOp.Complete c) {
            publishResult(ch, c.result());
            ack(ch, c.delivery().from(), c.delivery().tag());
        } else if (op instanceof WorkerOp.Ack a) {
            ack(ch, a.delivery().from(), a.delivery().tag());
        } else if (op instanceof WorkerOp.Release r) {
            if (r.from() == ch) {
                ch.basicNack(r.tag(), false, true);
            }
        } else if (op instanceof WorkerOp.Reject r) {
            RabbitMqDelivery d = r.delivery();
            LOG.warn("worker {}: job {} goes to the dead letters in {}: {}", options.workerId(),
                    d.properties().getMessageId(), topology.dead(), r.reason());
            ch.basicPublish("", topology.dead(), true, Messages.deadLetter(d.properties(), r.reason(),
                    options.workerId(), System.currentTimeMillis()), d.body());
            ack(ch, d.from(), d.tag());
        } else if (op instanceof WorkerOp.Publish p) {
            publishResult(ch, p.result());
        } else if (op instanceof WorkerOp.Forward f) {
            if (f.from() == ch) {
                String queue = topology.route(connection, f.notBeforeMillis(), System.currentTimeMillis());
                ch.basicPublish("", queue, true, Messages.forwarded(f.properties(), f.attempt()), f.body());
                ch.basicAck(f.tag(), false);
            }
        } else if (op instanceof WorkerOp.Cancel) {
            Subscription s = subscription;
            if (s != null && s.getConsumerTag() != null && s.getChannel() == ch) {
                ch.basicCancel(s.getConsumerTag());
            }
        }
    }

    /** Acknowledges on the channel the job came on; on another, the broker already took it back. */
    private static void ack(Channel ch, Channel from, long tag) throws IOException {
        if (from == ch) {
            ch.basicAck(tag, false);
        }
    }

    private void publishResult(Channel ch, ResultMessage r) throws IOException {
        String queue = topology.reply(r.replyTo());
        if (!Topology.routable(queue)) {
            LOG.warn("worker {}: the result of job {} was dropped: client id '{}' is too long for a queue name",
                    options.workerId(), r.jobId(), r.replyTo());
        } else if (r.body().length > Topology.MAX_MESSAGE_BYTES) {
            LOG.error("worker {}: the result of job {} was dropped: {} bytes, more than RabbitMQ takes in a message",
                    options.workerId(), r.jobId(), r.body().length);
        } else {
            ch.basicPublish("", queue, true, Messages.result(r), r.body());
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        paused = true;
        running = false;
        if (io == null) {
            RabbitMqProducer.quietlyClose(connection);
            return;
        }
        try {
            io.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Receives jobs on one channel; runs on the connection's dispatch thread. */
    private final class Subscription extends DefaultConsumer {
        volatile boolean cancelledByBroker;

        Subscription(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                byte[] body) {
            Channel from = getChannel();
            long tag = envelope.getDeliveryTag();
            try {
                if (paused) {
                    ops.add(new WorkerOp.Release(from, tag));
                    return;
                }
                int attempt = Messages.attempt(properties);
                long notBefore = Messages.notBefore(properties);
                if (envelope.isRedeliver() || notBefore > System.currentTimeMillis()) {
                    int next = envelope.isRedeliver() ? attempt + 1 : attempt;
                    ops.add(new WorkerOp.Forward(from, tag, properties, body, next, notBefore));
                    return;
                }
                listener.onJob(new RabbitMqDelivery(from, tag, properties, body, attempt, ops::add));
            } catch (RuntimeException e) {
                // never let an exception reach the client library: it would close the channel
                LOG.error("worker {}: handing over job {} failed; it goes back to the queue", options.workerId(),
                        properties.getMessageId(), e);
                ops.add(new WorkerOp.Release(from, tag));
            }
        }

        @Override
        public void handleCancel(String consumerTag) {
            cancelledByBroker = true;
        }
    }
}
