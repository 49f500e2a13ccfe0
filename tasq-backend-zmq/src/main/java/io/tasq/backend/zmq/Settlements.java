package io.tasq.backend.zmq;

import io.tasq.spi.DeadLetter;
import io.tasq.spi.Limits;
import io.tasq.spi.ResultMessage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker's deliveries come to, kept apart from its IO loop: the results and hand-backs they
 * queue for the IO thread to send ({@link ClientMessage}), the dead letters they leave (and so do
 * frames that are not jobs at all), and how many deliveries are not settled yet, which caps what the
 * IO thread takes off the jobs socket. Every change wakes the IO thread.
 *
 * <p>Thread-safe: deliveries are settled on the worker's threads, the outbox is drained on the IO thread.
 */
final class Settlements {

    private static final Logger LOG = LoggerFactory.getLogger(Settlements.class);

    private final DeadLetterStore dead;
    private final Wakeup wakeup;
    private final String where;
    private final ConcurrentLinkedQueue<ClientMessage> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsettled = new AtomicInteger();
    private final Bursts malformed = new Bursts();

    /** @param where the worker, for the log */
    Settlements(DeadLetterStore dead, Wakeup wakeup, String where) {
        this.dead = dead;
        this.wakeup = wakeup;
        this.where = where;
    }

    /** A job taken off the socket: unsettled until its delivery is settled. Its fields are unverified. */
    ZmqDelivery take(Frames.Job job) {
        return take(job.jobId(), job.attempt(), job.client(), job.envelope());
    }

    /** An operator's retry: the dead letter comes back as a new delivery, attempt 1. */
    ZmqDelivery take(DeadLetter d) {
        return take(d.jobId(), 1, DeadLetterStore.clientOf(d), d.envelope());
    }

    private ZmqDelivery take(String jobId, int attempt, String client, byte[] body) {
        unsettled.incrementAndGet();
        return new ZmqDelivery(this, jobId, attempt, client, body);
    }

    /** Deliveries taken and not settled yet. */
    int unsettled() {
        return unsettled.get();
    }

    /** A result to send to its client: queued for the IO thread. */
    void publish(ResultMessage result) {
        send(new ClientMessage(result.replyTo(), Frames.RESULT, Frames.utf8(result.jobId()), result.body()));
    }

    /** The worker did not run this job: its client is told to send it again, to this worker or another. */
    void handBack(String client, String jobId) {
        send(new ClientMessage(client, Frames.RELEASED, Frames.utf8(jobId), null));
    }

    private void send(ClientMessage o) {
        outbox.add(o);
        wakeup.signal();
    }

    /** Whether results or hand-backs wait for the IO thread. */
    boolean hasOutgoing() {
        return !outbox.isEmpty();
    }

    /** Hands what waits to be sent to {@code deliver}, in order; returns how many. On the IO thread. */
    int drainOutgoing(Consumer<ClientMessage> deliver) {
        int n = 0;
        for (ClientMessage o; (o = outbox.poll()) != null; ) {
            deliver.accept(o);
            n++;
        }
        return n;
    }

    /** A dead letter with the envelope as it is: the core verified it, or kept only what it may. */
    void deadLetter(String jobId, String client, byte[] envelope, int attempts, String reason) {
        dead.add(jobId, client, envelope, attempts, reason);
    }

    /** A message that is not a job frame: kept truncated, unlabelled, and logged once a burst. */
    void refuseMalformed(byte[] frame) {
        dead.add("", "", Limits.refusedBytes(frame), 1, "refused: not a job frame");
        long n = malformed.count(System.currentTimeMillis());
        if (n > 0) {
            LOG.warn("worker on {} refused {} message(s) that are not job frames (dead-lettered, truncated)", where, n);
        }
    }

    /** One delivery settled, however: a slot is free for the next job. */
    void settled() {
        unsettled.decrementAndGet();
    }

    /** Wakes the IO thread: a slot came free, or there is something to send. */
    void wake() {
        wakeup.signal();
    }
}
