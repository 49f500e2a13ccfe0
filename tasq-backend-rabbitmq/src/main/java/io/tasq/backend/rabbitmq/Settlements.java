package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.spi.Limits;
import io.tasq.spi.ResultMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a worker's settlements reach the broker, on a channel in confirm mode: an acknowledgement or
 * hand-back goes at once; a result, dead letter or job copy is published, and the delivery it
 * replaces is acknowledged only when the broker confirms the publish. A worker killed in between
 * leaves the job unacknowledged, so it runs again (a duplicate result, which the client ignores)
 * rather than being lost.
 *
 * <p>Settlements of a delivery that came on a channel since lost are dropped, but for the result of a
 * job that ran, which is still sent (the copy the broker delivers again is dropped as already taken by
 * the worker's memory of jobs, or runs again elsewhere): the broker delivers
 * that job again. Not thread-safe: used by the consumer's IO thread only.
 */
final class Settlements {

    private static final Logger LOG = LoggerFactory.getLogger(Settlements.class);
    /**
     * The client library refused a publish after it had counted it (it numbers a publish before it
     * encodes it): the broker never saw it, so the broker's confirms on this channel no longer match
     * the numbers here. The channel must be replaced; what was settled on it is sorted out like after
     * any lost channel.
     */
    static final class OutOfStep extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfStep(RuntimeException cause) {
            super("the client library refused a publish after numbering it: " + cause, cause);
        }
    }

    private final Topology topology;
    private final Connection connection;
    private final String workerId;
    private final Unconfirmed unconfirmed = new Unconfirmed();
    private boolean redeclare;
    /** Dead letters dropped for want of room, not yet counted in the broker; and in all, for the log. */
    private long dropped;
    private long droppedSinceStart;

    Settlements(Topology topology, Connection connection, String workerId) {
        this.topology = topology;
        this.connection = connection;
        this.workerId = workerId;
    }

    /** Whether no publish waits for its confirm. */
    boolean idle() {
        return unconfirmed.idle();
    }

    /** Whether a publish was returned for want of a queue, so the job queues must be declared again; clears it. */
    boolean takeRedeclare() {
        boolean r = redeclare;
        redeclare = false;
        return r;
    }

    /** Carries out {@code op} on {@code ch}, in the channel's life {@code epoch}. */
    void apply(Channel ch, int epoch, WorkerOp op) throws IOException {
        if (op instanceof WorkerOp.CompleteAll all) {
            List<WorkerOp.Complete> live = all.completes();
            if (live.size() == 1) {
                apply(ch, epoch, live.get(0));
            } else if (!live.isEmpty()) {
                String queue = topology.reply(live.get(0).result().replyTo());
                if (!Topology.routable(queue)) {
                    for (WorkerOp.Complete c : live) {
                        apply(ch, epoch, c); // each is logged and dropped
                    }
                    return;
                }
                List<ResultMessage> results = new ArrayList<>(live.size());
                live.forEach(c -> results.add(c.result()));
                publish(ch, epoch, new WorkerOp.CompleteAll(live), queue, Messages.results(live.size()),
                        Messages.results(results));
            }
        } else if (op instanceof WorkerOp.Complete c) {
            RabbitMqDelivery d = c.delivery();
            // a delivery from a lost channel comes back from the broker, but its job ran: the result still
            // goes to its client (which ignores a second one), since the copy that comes back finds the job
            // taken already and is dropped without running; only the acknowledgement is skipped
            if (!publishResult(ch, epoch, op, c.result()) && !DeliveryTags.stale(ch, d.from(), d.tag())) {
                ch.basicAck(d.tag(), false);
            }
        } else if (op instanceof WorkerOp.Ack a) {
            if (!DeliveryTags.stale(ch, a.delivery().from(), a.delivery().tag())) {
                ch.basicAck(a.delivery().tag(), false);
            }
        } else if (op instanceof WorkerOp.Release r) {
            if (!DeliveryTags.stale(ch, r.from(), r.tag())) {
                ch.basicNack(r.tag(), false, true);
            }
        } else if (op instanceof WorkerOp.Reject r) {
            RabbitMqDelivery d = r.delivery();
            if (!DeliveryTags.stale(ch, d.from(), d.tag())) {
                LOG.warn("worker {}: job {} goes to the dead letters in {}: {}", workerId,
                        d.properties().getMessageId(), topology.dead(), r.reason());
                publish(ch, epoch, op, topology.dead(), Messages.deadLetter(d.properties(), r.reason(), workerId,
                        System.currentTimeMillis()), d.body());
            }
        } else if (op instanceof WorkerOp.Refuse r) {
            RabbitMqDelivery d = r.delivery();
            if (!DeliveryTags.stale(ch, d.from(), d.tag())) {
                LOG.debug("worker {}: a refused message goes to the dead letters in {}: {}", workerId, topology.dead(),
                        r.reason());
                publish(ch, epoch, op, topology.dead(), Messages.refused(d.properties(), r.bytes(), r.reason(),
                        workerId, System.currentTimeMillis()), Limits.refusedBytes(d.body()));
            }
        } else if (op instanceof WorkerOp.Bury b) {
            LOG.warn("worker {}: job {} goes to the dead letters in {}: {}", workerId, b.jobId(), topology.dead(),
                    b.reason());
            publish(ch, epoch, op, topology.dead(), Messages.deadLetter(b, topology.reply(b.replyTo()), workerId,
                    System.currentTimeMillis()), b.envelope());
        } else if (op instanceof WorkerOp.Publish p) {
            publishResult(ch, epoch, op, p.result());
        } else if (op instanceof WorkerOp.Forward f) {
            if (!DeliveryTags.stale(ch, f.from(), f.tag())) {
                String queue = topology.delays().route(connection, f.notBeforeMillis(), System.currentTimeMillis(),
                        f.checkedOnArrival());
                publish(ch, epoch, op, queue, Messages.forwarded(f.properties(), f.attempt(), f.notBeforeMillis()),
                        f.body());
            }
        } else {
            throw new IllegalArgumentException("not a settlement: " + op);
        }
    }

    /** Publishes a result; false if it cannot be sent at all (logged), so there is nothing to wait for. */
    private boolean publishResult(Channel ch, int epoch, WorkerOp op, ResultMessage r) throws IOException {
        String queue = topology.reply(r.replyTo());
        if (!Topology.routable(queue)) {
            LOG.warn("worker {}: the result of job {} was dropped: client id '{}' is too long for a queue name",
                    workerId, r.jobId(), r.replyTo());
            return false;
        }
        if (r.body().length > Topology.MAX_MESSAGE_BYTES) {
            LOG.error("worker {}: the result of job {} was dropped: {} bytes, more than RabbitMQ takes in a message",
                    workerId, r.jobId(), r.body().length);
            return false;
        }
        publish(ch, epoch, op, queue, Messages.result(r), r.body());
        return true;
    }

    private void publish(Channel ch, int epoch, WorkerOp op, String queue, AMQP.BasicProperties p, byte[] body)
            throws IOException {
        long seq = ch.getNextPublishSeqNo();
        try {
            ch.basicPublish("", queue, true, p, body);
        } catch (RuntimeException e) {
            if (!(e instanceof ShutdownSignalException) && ch.getNextPublishSeqNo() != seq) {
                throw new OutOfStep(e);
            }
            throw e;
        }
        // confirms reach this thread through the consumer's inbox, so registering after publishing is safe
        unconfirmed.add(epoch, seq, op, queue, p.getMessageId());
    }

    /** A publish came back unroutable; its confirm follows, and decides what to do. */
    void returned(WorkerOp.Returned r) {
        unconfirmed.returned(r);
    }

    /**
     * The broker confirmed publishes: acknowledges the deliveries they replace. What it refused, or
     * could not route to a queue that should exist, goes into {@code redo}.
     */
    void confirmed(Channel ch, WorkerOp.Confirmed c, Deque<WorkerOp> redo) {
        for (Unconfirmed.Pending p : unconfirmed.take(c)) {
            if (c.nack() && p.queue.equals(topology.dead())) {
                // the dead letters are full (x-overflow: reject-publish): the oldest goes, counted, to make room
                dropOldest(ch);
                redo.add(p.op);
            } else if (c.nack()) {
                LOG.warn("worker {}: the broker refused to store a message for {}; sending it again", workerId, p.queue);
                redo.add(p.op);
            } else if (p.returned != null && !(p.op instanceof WorkerOp.Complete || p.op instanceof WorkerOp.CompleteAll
                    || p.op instanceof WorkerOp.Publish)) {
                // a job or dead-letter queue is missing: declare it again rather than lose the job
                LOG.warn("worker {}: queue {} does not exist ({}); declaring the queues again", workerId, p.queue,
                        p.returned);
                redeclare = true;
                topology.delays().forget();
                redo.add(p.op);
            } else {
                if (p.returned != null) {
                    LOG.warn("worker {}: a result was dropped: queue {} does not exist (its client has been gone longer "
                            + "than result-ttl)", workerId, p.queue);
                }
                acknowledge(ch, p.op);
            }
        }
    }

    private static void acknowledge(Channel ch, WorkerOp op) {
        if (op instanceof WorkerOp.CompleteAll all) {
            all.completes().forEach(c -> acknowledge(ch, c));
            return;
        }
        if (DeliveryTags.stale(ch, op)) {
            return;
        }
        long tag = DeliveryTags.tag(op);
        try {
            ch.basicAck(tag, false);
        } catch (IOException | ShutdownSignalException e) {
            // the channel is lost, and with it the delivery: the broker delivers the job again
            LOG.debug("could not acknowledge delivery {}: {}", tag, e.toString());
        }
    }

    /**
     * Settles the delivery of an operation the broker kept failing, so that it neither stays
     * unacknowledged, holding a slot of the prefetch, nor comes back to fail again: a refused message is
     * dropped (nothing of it is trusted), a job whose result cannot be sent is acknowledged (it ran), and
     * a job that could not be moved (a retry, a deferral, a copy after a redelivery, a dead letter) is
     * rejected, so that the broker moves it, whole, into the dead-letter queue. Never throws.
     */
    void abandon(Channel ch, WorkerOp op) {
        if (op instanceof WorkerOp.CompleteAll all) {
            all.completes().forEach(c -> abandon(ch, c));
            return;
        }
        if (DeliveryTags.stale(ch, op)) {
            return;
        }
        long tag = DeliveryTags.tag(op);
        try {
            if (op instanceof WorkerOp.Refuse || op instanceof WorkerOp.Complete) {
                ch.basicAck(tag, false);
            } else {
                ch.basicReject(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("worker {}: could not settle delivery {}: {}", workerId, tag, e.toString());
        }
    }

    /**
     * Takes the oldest dead letter out of the full dead-letter queue, to make room for a new one, and
     * counts it. Never throws: if it fails, the new one is refused again and this is tried again.
     */
    private void dropOldest(Channel ch) {
        try {
            if (ch.isOpen() && ch.basicGet(topology.dead(), true) != null) {
                dropped++;
                droppedSinceStart++;
                if (droppedSinceStart == 1 || droppedSinceStart % 1_000 == 0) {
                    LOG.warn("worker {}: the dead letters in {} are full (amqp.dead-letter-max); the oldest are "
                            + "dropped to make room, and counted in {} ({} by this worker so far)", workerId,
                            topology.dead(), topology.dropped(), droppedSinceStart);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("worker {}: could not drop the oldest dead letter: {}", workerId, e.toString());
        }
    }

    /** How many dead letters this worker dropped that are not counted in the broker yet. */
    long dropped() {
        return dropped;
    }

    /** {@code n} of the dropped dead letters were counted in the broker. */
    void counted(long n) {
        dropped -= n;
    }

    /**
     * After a channel's life ended, on the channel that replaced it: what its unconfirmed publishes
     * still need ({@link Unconfirmed#salvage}).
     */
    List<WorkerOp> salvage(Channel ch, int currentEpoch) {
        return unconfirmed.salvage(ch, currentEpoch);
    }
}
