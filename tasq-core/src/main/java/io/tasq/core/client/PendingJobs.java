package io.tasq.core.client;

import io.tasq.ClientClosedException;
import io.tasq.DuplicateJobException;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import io.tasq.internal.FutureAccess;
import io.tasq.spi.Broadcast;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's bookkeeping of the jobs it has taken and has no result for: sends each one at once
 * when connected, or holds it until {@link #connect} and then sends the held ones in submission
 * order; keeps the futures by name (every pending job and the latest finished ones); and knows the
 * client's state (new, connected, closed), since that decides whether a job may be taken at all.
 *
 * <p>Thread-safe: the state, the held jobs and the names change under one lock, so jobs reach the
 * backend in the order they were taken.
 */
final class PendingJobs {

    private static final Logger LOG = LoggerFactory.getLogger(PendingJobs.class);
    private static final FutureAccess FUTURES = FutureAccess.get();

    private enum State { NEW, CONNECTED, CLOSED }

    /** A job taken by the client, without a result yet. */
    static final class Entry {
        final long seq;
        final TasqFuture<?> future;
        final OutboundJob out;
        final Instant submittedAt;
        final long submittedNanos = System.nanoTime();
        volatile boolean sent;

        Entry(long seq, TasqFuture<?> future, OutboundJob out, Instant submittedAt) {
            this.seq = seq;
            this.future = future;
            this.out = out;
            this.submittedAt = submittedAt;
        }

        String jobId() {
            return future.jobId();
        }
    }

    /** The producer a job or the client was linked to when it was cancelled or closed; may be null. */
    record Link(JobProducer producer) {
    }

    private final String clientId;
    private final int resultsKept;
    private final Object lock = new Object();
    private State state = State.NEW;
    private JobProducer producer;
    private final ArrayDeque<Entry> unsent = new ArrayDeque<>();
    private final LinkedHashMap<String, TasqFuture<?>> byName = new LinkedHashMap<>();
    private final ArrayDeque<TasqFuture<?>> finished = new ArrayDeque<>();
    private final Map<String, Entry> pending = new ConcurrentHashMap<>();

    /** @param resultsKept how many finished futures {@link #results()} keeps by name */
    PendingJobs(String clientId, int resultsKept) {
        this.clientId = clientId;
        this.resultsKept = resultsKept;
    }

    /**
     * Opens the producer and sends the held jobs; does nothing if connected.
     *
     * @throws ClientClosedException if the client is closed
     */
    void connect(Supplier<JobProducer> open, String backend) {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new ClientClosedException("client " + clientId + " is closed; make a new one");
            }
            if (state == State.CONNECTED) {
                return;
            }
            producer = open.get();
            state = State.CONNECTED;
            LOG.debug("client {} connected to {}, sending {} held job(s)", clientId, backend, unsent.size());
            while (!unsent.isEmpty()) {
                send(unsent.poll());
            }
        }
    }

    boolean isConnected() {
        synchronized (lock) {
            return state == State.CONNECTED;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return state == State.CLOSED;
        }
    }

    /** The open producer, or null before {@link #connect} and after {@link #close()}. */
    JobProducer producer() {
        synchronized (lock) {
            return producer;
        }
    }

    /**
     * Takes a job, sends it or holds it, and keeps its future by name.
     *
     * @throws ClientClosedException if the client is closed
     * @throws DuplicateJobException if a job of that name is pending
     */
    void addJob(Entry entry) {
        TasqFuture<?> future = entry.future;
        String name = future.name();
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new ClientClosedException("client " + clientId + " is closed; job '" + name + "' was not sent");
            }
            TasqFuture<?> existing = byName.get(name);
            if (existing != null && !existing.isDone()) {
                throw new DuplicateJobException("a job named '" + name + "' (" + existing.jobId() + ") is still "
                        + "pending on this client; wait for it, or give the new job another name");
            }
            byName.remove(name);
            byName.put(name, future);
            sendOrHold(entry);
        }
    }

    /**
     * Takes a control request (not kept by name), sends it or holds it.
     *
     * @throws ClientClosedException if the client is closed
     */
    void addControl(Entry entry) {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new ClientClosedException("client " + clientId + " is closed; cannot send '"
                        + entry.future.name() + "'");
            }
            sendOrHold(entry);
        }
    }

    /** Called with the lock held. */
    private void sendOrHold(Entry entry) {
        pending.put(entry.jobId(), entry);
        if (state == State.CONNECTED && unsent.isEmpty()) {
            send(entry);
        } else {
            unsent.add(entry);
        }
    }

    /** Called with the lock held, so jobs reach the backend in submission order. */
    private void send(Entry entry) {
        producer.send(entry.out).whenComplete((ok, failure) -> {
            if (failure == null) {
                entry.sent = true;
            } else if (failure instanceof ClientClosedException && isClosed()) {
                LOG.trace("job {} not taken: the client is closing, which fails it", entry.jobId());
            } else {
                TasqException e = failure instanceof TasqException te ? te
                        : new TasqException("the backend did not take job '" + entry.future.name() + "': " + failure,
                                failure, true);
                FUTURES.completeFailure(entry.future, e, null);
            }
        });
    }

    /** The pending job with this id, or null. */
    Entry get(String jobId) {
        return pending.get(jobId);
    }

    /** Forgets a pending job without keeping its future among the results (a control request). */
    void remove(String jobId) {
        pending.remove(jobId);
    }

    /** A job's future completed: it is no longer pending, and its future is kept as a recent result. */
    void finished(Entry entry) {
        if (!entry.future.isCancelled()) {
            // a cancelled one is removed by cancelled(), which runs after this and needs the entry
            pending.remove(entry.jobId());
        }
        synchronized (lock) {
            finished.add(entry.future);
            while (finished.size() > resultsKept) {
                TasqFuture<?> old = finished.poll();
                byName.remove(old.name(), old);
            }
        }
    }

    /**
     * Forgets a cancelled job.
     *
     * @return null if the job was not pending, or was still held here (it never left this client);
     *     else the producer it may have reached (null once the client is closed)
     */
    Link cancelled(String jobId) {
        Entry e = pending.remove(jobId);
        if (e == null) {
            return null;
        }
        synchronized (lock) {
            return unsent.remove(e) ? null : new Link(producer);
        }
    }

    /**
     * Closes: takes no more jobs and drops the held ones (their futures stay pending until the
     * caller fails them, see {@link #all()}).
     *
     * @return null if it was closed already; else the producer to close (null if never connected)
     */
    Link close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return null;
            }
            state = State.CLOSED;
            Link link = new Link(producer);
            producer = null;
            unsent.clear();
            return link;
        }
    }

    /** The pending jobs, oldest first. A snapshot. */
    List<Entry> all() {
        return pending.values().stream().sorted(Comparator.comparingLong(e -> e.seq)).toList();
    }

    int size() {
        return pending.size();
    }

    /** The futures by name, pending and recently finished, in submission order. A snapshot. */
    Map<String, TasqFuture<?>> results() {
        synchronized (lock) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        }
    }

    /**
     * Sends a control request (a cancel) to every worker up where the backend can broadcast
     * ({@link Broadcast}); else, or if the broadcast fails, like a job, to one worker.
     */
    static void toWorkers(JobProducer p, OutboundJob request) {
        CompletionStage<Void> broadcast = p.feature(Broadcast.class).map(b -> b.broadcast(request.body()))
                .orElseGet(() -> CompletableFuture.failedFuture(new UnsupportedOperationException("no broadcast")));
        broadcast.whenComplete((ok, failure) -> {
            if (failure != null) {
                p.send(request);
            }
        });
    }
}
