package io.tasq.backend.rabbitmq;

import io.tasq.BackendUnavailableException;
import io.tasq.spi.OutboundJob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs a client published and the broker has not confirmed yet. Confirm sequence numbers count
 * from 1 again on every new channel, so publishes are kept by <em>epoch</em>, one life of the
 * publishing channel: when a channel is lost its epoch retires, and its unconfirmed jobs are taken
 * back to be published again once a channel is up (the broker may or may not have stored them, so
 * a job may be queued twice, never zero times).
 *
 * <p>Thread-safe: confirms and returns arrive on the connection's thread, losses on the thread that
 * notices them, publishing happens on the producer's IO thread.
 */
final class PublishTracker {

    /** A job on its way, and the stage that completes when the broker took it. */
    static final class Outgoing {
        final OutboundJob job;
        final long order;
        final CompletableFuture<Void> accepted = new CompletableFuture<>();
        volatile String returned;

        Outgoing(OutboundJob job, long order) {
            this.job = job;
            this.order = order;
        }
    }

    /** One life of the publishing channel. */
    static final class Epoch {
        private final ConcurrentSkipListMap<Long, Outgoing> unconfirmed = new ConcurrentSkipListMap<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile boolean up;
        private boolean adopted; // by the IO thread: the jobs of older epochs were taken over

        Epoch(boolean up) {
            this.up = up;
            this.adopted = up;
        }

        boolean up() {
            return up;
        }

        int inFlight() {
            return inFlight.get();
        }
    }

    private final ConcurrentLinkedQueue<Epoch> retired = new ConcurrentLinkedQueue<>();
    private final Map<String, Outgoing> byId = new ConcurrentHashMap<>();
    private final String jobsQueue;
    private final Runnable onReturn;
    private volatile Epoch epoch = new Epoch(true);

    /**
     * @param jobsQueue the job queue, for messages
     * @param onReturn called when a job came back unroutable: a queue is missing
     */
    PublishTracker(String jobsQueue, Runnable onReturn) {
        this.jobsQueue = jobsQueue;
        this.onReturn = onReturn;
    }

    /** The current epoch: publish in it only while it is up. */
    Epoch epoch() {
        return epoch;
    }

    /** The channel is up (again): publishing may go on. */
    void up() {
        epoch.up = true;
    }

    /** The channel was lost: its epoch retires, and a new one starts, down until {@link #up()}. */
    void retire() {
        Epoch old = epoch;
        old.up = false;
        retired.add(old);
        epoch = new Epoch(false);
    }

    /** Notes a job about to be published as {@code seq} in {@code ep}; before publishing, as its confirm may come back first. */
    void publishing(Epoch ep, long seq, Outgoing o) {
        o.returned = null;
        byId.put(o.job.jobId(), o);
        ep.unconfirmed.put(seq, o);
        ep.inFlight.incrementAndGet();
    }

    /** The publish of {@code seq} failed: forget it, it is published again. */
    void notPublished(Epoch ep, long seq, Outgoing o) {
        if (ep.unconfirmed.remove(seq, o)) {
            ep.inFlight.decrementAndGet();
        }
    }

    /**
     * If the current epoch is up and the jobs of the retired ones were not taken over yet, takes
     * them, in the order they were sent; else an empty list.
     */
    List<Outgoing> adopt() {
        Epoch ep = epoch;
        if (!ep.up || ep.adopted) {
            return List.of();
        }
        List<Outgoing> again = new ArrayList<>();
        for (Epoch old; (old = retired.poll()) != null; ) {
            again.addAll(old.unconfirmed.values());
            old.unconfirmed.clear();
        }
        again.sort(Comparator.comparingLong(o -> o.order));
        ep.adopted = true;
        return again;
    }

    /** A job came back unroutable; its confirm follows. */
    void returned(String messageId, String why) {
        Outgoing o = messageId == null ? null : byId.get(messageId);
        if (o != null) {
            o.returned = why;
        }
    }

    /** The broker confirmed ({@code nack}: refused) the publishes up to {@code seq} of the current epoch. */
    void confirmed(long seq, boolean multiple, boolean nack) {
        Epoch ep = epoch;
        if (multiple) {
            for (Map.Entry<Long, Outgoing> e; (e = ep.unconfirmed.firstEntry()) != null && e.getKey() <= seq; ) {
                if (ep.unconfirmed.remove(e.getKey(), e.getValue())) {
                    ep.inFlight.decrementAndGet();
                    finish(e.getValue(), nack);
                }
            }
        } else {
            Outgoing o = ep.unconfirmed.remove(seq);
            if (o != null) {
                ep.inFlight.decrementAndGet();
                finish(o, nack);
            }
        }
    }

    private void finish(Outgoing o, boolean nack) {
        byId.remove(o.job.jobId(), o);
        if (nack) {
            o.accepted.completeExceptionally(new BackendUnavailableException("RabbitMQ refused job " + o.job.jobId()
                    + " (basic.nack) and did not store it; submit it again"));
        } else if (o.returned != null) {
            onReturn.run();
            o.accepted.completeExceptionally(new BackendUnavailableException("RabbitMQ could not route job "
                    + o.job.jobId() + ": " + o.returned + " (was " + jobsQueue + " deleted?); the queues are "
                    + "declared again, submit the job again"));
        } else {
            o.accepted.complete(null);
        }
    }

    /** Every job not confirmed, taken out: the producer is closing. */
    List<Outgoing> drain() {
        List<Outgoing> left = new ArrayList<>();
        for (Epoch old; (old = retired.poll()) != null; ) {
            left.addAll(old.unconfirmed.values());
            old.unconfirmed.clear();
        }
        left.addAll(epoch.unconfirmed.values());
        epoch.unconfirmed.clear();
        return left;
    }
}
