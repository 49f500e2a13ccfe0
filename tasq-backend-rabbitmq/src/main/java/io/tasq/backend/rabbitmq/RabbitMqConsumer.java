package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.tasq.BackendUnavailableException;
import io.tasq.TasqException;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.ResultMessage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side: consumes the job queue with manual acknowledgement and a prefetch of the
 * worker's {@link ConsumerOptions#prefetch()}, at least {@value #MIN_PREFETCH} (unless {@code amqp.prefetch}
 * says otherwise; the
 * prefetch also covers jobs settled but not yet acknowledged, waiting for the broker to confirm
 * their result); one IO thread owns the channel ({@link WorkerChannel}) and carries out the
 * {@link Settlements}. Every delivery goes to the runtime, which verifies it first
 * ({@link JobSubscription}); a job the broker delivers again (its worker was lost, or handed it back)
 * is first published again with its attempt count raised, and the old copy acknowledged once that is
 * confirmed; a job the runtime found early by its signed time goes back to a delay queue the same
 * way ({@link RabbitMqDelivery#defer}), and so does a failed job waiting for its retry
 * ({@link RabbitMqDelivery#retry}). So the attempt count is exact, a job is never run before its
 * time, and no worker holds a retry in memory. Unique-job locks are kept in the broker too
 * ({@link RabbitMqUniqueLocks}).
 *
 * <p>The IO thread survives every failed operation: one the broker refuses again and again is given
 * up after {@value #MAX_FAILURES} tries ({@link Settlements#abandon}), never by the thread. If it
 * dies anyway (a bug), it tells the listener ({@link JobListener#onTransportFailure}), so that the
 * worker stops instead of staying up with no consumer.
 *
 * <p>Automatic recovery reconnects, declares the queues and consumes again; on top of it, what was
 * published but not confirmed on the lost channel is done again where still needed, and the
 * {@link WorkerChannel} replaces a channel the broker closes on its own and starts again a consumer the
 * broker cancels (the queue was deleted).
 *
 * <p>Thread-safe.
 */
final class RabbitMqConsumer implements JobConsumer {

    /**
     * The least prefetch by default. The broker counts a job until its result is confirmed, a round
     * trip after it ran: with twice the concurrency (4 on 2 cores) short jobs left the worker idle
     * most of the time, waiting for confirms (profiled: 4 jobs per confirm round trip).
     */
    static final int MIN_PREFETCH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqConsumer.class);
    private static final int MAX_BATCH = 1_000;
    /** How long closing waits for settlements in flight to be confirmed. */
    private static final long CLOSE_GRACE_MILLIS = 5_000;
    /** An operation that fails this often while the connection is up is given up rather than retried forever. */
    private static final int MAX_FAILURES = 5;
    /** How long to wait before counting dropped dead letters again, after the broker refused it. */
    private static final long TALLY_RETRY_MILLIS = 5_000;

    private final RabbitMqSettings settings;
    private final Topology topology;
    private final ConsumerOptions options;
    private final Connection connection;
    private final Settlements settlements;
    private final DeadLetterTally tally;
    private final RabbitMqScheduleStore schedules;
    private final Presence presence;
    private final RabbitMqUniqueLocks locks;
    private final io.tasq.spi.Features features;
    private final LinkedBlockingQueue<WorkerOp> inbox = new LinkedBlockingQueue<>();
    private final WorkerChannel channel;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean paused;
    private volatile boolean running = true;
    private JobListener listener;
    private Thread io;
    /** Owned by the IO thread. */
    private long tallyAgainAt;

    RabbitMqConsumer(RabbitMqSettings settings, Topology topology, ConsumerOptions options) {
        this.settings = settings;
        this.topology = topology;
        this.options = options;
        this.connection = AmqpConnections.open(settings, "tasq " + settings.name() + " worker " + options.workerId());
        this.settlements = new Settlements(topology, connection, options.workerId());
        this.tally = new DeadLetterTally(topology, connection);
        try {
            channel = new WorkerChannel(connection, topology, settings, options.workerId(),
                    settings.prefetch() > 0 ? settings.prefetch() : Math.max(options.prefetch(), MIN_PREFETCH),
                    inbox::add, () -> paused);
            schedules = new RabbitMqScheduleStore(connection, topology, options.workerId());
            presence = new Presence(connection, topology, options.workerId());
            locks = new RabbitMqUniqueLocks(connection, topology, options.workerId());
        } catch (IOException | RuntimeException e) {
            AmqpConnections.quietlyClose(connection);
            throw e instanceof TasqException te ? te : new BackendUnavailableException("cannot set up the queues of "
                    + settings + ": " + e, e);
        }
        features = new io.tasq.spi.Features().offer(io.tasq.spi.ScheduleStore.class, () -> schedules)
                .offer(io.tasq.spi.UniqueLocks.class, () -> locks);
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                channel.lost();
                LOG.warn("worker {}: lost the connection to {} ({}); reconnecting every {} ms", options.workerId(),
                        settings.addresses(), cause.getMessage(), settings.recoveryInterval().toMillis());
            }
        });
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                LOG.info("worker {}: reconnected to {}", options.workerId(), settings.addresses());
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // the shutdown listener already noted the loss
            }
        });
    }

    @Override
    public String describe() {
        return settings + " (queue " + topology.jobs() + ", dead letters in " + topology.dead() + ")";
    }

    /**
     * Kept by the broker: the repeating jobs ({@link io.tasq.spi.ScheduleStore}) and the unique-job locks
     * ({@link io.tasq.spi.UniqueLocks}), each held by the one worker its queue's single active consumer is.
     */
    @Override
    public <F> java.util.Optional<F> feature(Class<F> type) {
        return features.get(type);
    }

    /** The worker's connection, which the backend's admin may share. */
    Connection connection() {
        return connection;
    }

    @Override
    public void heartbeat(io.tasq.spi.WorkerInfo info) {
        presence.update(info);
    }

    @Override
    public void start(JobListener listener) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        this.listener = listener;
        try {
            channel.subscribe(listener);
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot consume " + topology.jobs() + " on " + settings + ": " + e, e);
        }
        io = new Thread(this::loop, "tasq-amqp-worker-" + options.workerId());
        io.setDaemon(true);
        io.start();
    }

    @Override
    public void publish(ResultMessage result) {
        inbox.add(new WorkerOp.Publish(result));
    }

    @Override
    public void deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts) {
        inbox.add(new WorkerOp.Bury(jobId, replyTo, envelope, reason == null ? "" : reason, attempts));
    }

    @Override
    public void pause() {
        if (!paused) {
            paused = true;
            inbox.add(new WorkerOp.Cancel());
        }
    }

    private void loop() {
        Throwable died = null;
        try {
            run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (running) {
                died = e;
            }
        } catch (RuntimeException | Error e) {
            died = e;
        } finally {
            // what is still unacknowledged goes back to the queue when the connection closes
            AmqpConnections.quietlyClose(connection);
        }
        if (died != null && !closed.get()) {
            LOG.error("worker {}: the RabbitMQ IO thread failed; this worker takes no more jobs", options.workerId(),
                    died);
            try {
                listener.onTransportFailure(died);
            } catch (RuntimeException e) {
                LOG.error("worker {}: the worker's reaction to the failure failed", options.workerId(), e);
            }
        }
    }

    private void run() throws InterruptedException {
        ArrayDeque<WorkerOp> todo = new ArrayDeque<>();
        List<WorkerOp> drained = new ArrayList<>();
        int seenEpoch = channel.epoch();
        int failures = 0;
        long closeBy = Long.MAX_VALUE;
        while (true) {
            if (!running && closeBy == Long.MAX_VALUE) {
                closeBy = System.currentTimeMillis() + CLOSE_GRACE_MILLIS;
            }
            boolean busy = !todo.isEmpty() && channel.current().isOpen();
            WorkerOp first = busy ? inbox.poll() : inbox.poll(50, TimeUnit.MILLISECONDS);
            drained.clear();
            if (first != null) {
                drained.add(first);
                inbox.drainTo(drained, MAX_BATCH);
            }
            for (WorkerOp op : drained) {
                if (op instanceof WorkerOp.Confirmed c) {
                    settlements.confirmed(channel.current(), c, todo);
                } else if (op instanceof WorkerOp.Returned r) {
                    settlements.returned(r);
                } else {
                    todo.add(op);
                }
            }
            channel.maintain(settlements::takeRedeclare);
            Channel ch = channel.current();
            int ep = channel.epoch();
            if (ep != seenEpoch && ch.isOpen()) {
                List<WorkerOp> again = settlements.salvage(ch, ep);
                for (int i = again.size() - 1; i >= 0; i--) {
                    todo.addFirst(again.get(i));
                }
                topology.delays().forget();
                seenEpoch = ep;
            }
            ResultBatches.coalesce(todo);
            while (ep == seenEpoch && ch.isOpen() && !todo.isEmpty()) {
                WorkerOp op = todo.peek();
                try {
                    if (op instanceof WorkerOp.Cancel) {
                        channel.cancel(ch);
                    } else {
                        settlements.apply(ch, ep, op);
                    }
                    todo.poll();
                    failures = 0;
                } catch (Settlements.OutOfStep e) {
                    // refused before it reached the broker: trying again would fail the same way
                    LOG.error("worker {}: giving up {}: {}; replacing the channel", options.workerId(), op, e.toString());
                    todo.poll();
                    settlements.abandon(ch, op);
                    channel.lost(); // the next turn salvages what this channel had in flight
                    AmqpConnections.forget(ch);
                    break;
                } catch (IOException | RuntimeException e) {
                    // a broker error on one operation (a refused publish or declaration, which may close the
                    // channel), or the library refusing it: tried again, then given up, never fatal
                    if (connection.isOpen() && ++failures >= MAX_FAILURES) {
                        LOG.error("worker {}: giving up {} after {} failures: {}", options.workerId(), op, failures,
                                e.toString());
                        todo.poll();
                        settlements.abandon(ch, op);
                        failures = 0;
                    } else {
                        LOG.debug("worker {}: {} failed, will retry: {}", options.workerId(), op, e.toString());
                    }
                    break;
                }
            }
            countDropped();
            if (closeBy != Long.MAX_VALUE && (System.currentTimeMillis() >= closeBy || !ch.isOpen()
                    || (todo.isEmpty() && inbox.isEmpty() && settlements.idle()))) {
                return;
            }
        }
    }

    /** Adds the dead letters this worker dropped for want of room to the queue's count; on failure, later. */
    private void countDropped() {
        long n = settlements.dropped();
        long now = System.currentTimeMillis();
        if (n == 0 || now < tallyAgainAt || !connection.isOpen()) {
            return;
        }
        try {
            tally.add(n);
            settlements.counted(n);
        } catch (IOException | TimeoutException | RuntimeException e) {
            tallyAgainAt = now + TALLY_RETRY_MILLIS;
            LOG.warn("worker {}: could not count {} dropped dead letter(s) in {} yet: {}", options.workerId(), n,
                    topology.dropped(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        paused = true;
        running = false;
        schedules.close();
        presence.close();
        locks.close();
        if (io == null) {
            AmqpConnections.quietlyClose(connection);
            return;
        }
        try {
            io.join(CLOSE_GRACE_MILLIS + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
