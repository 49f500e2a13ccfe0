package io.tasq.core.client;

import io.tasq.ClientClosedException;
import io.tasq.DuplicateJobException;
import io.tasq.core.wire.InvalidEnvelopeException;
import io.tasq.Job;
import io.tasq.JobCancelledException;
import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.JobRejectedException;
import io.tasq.JobResult;
import io.tasq.JobTimeoutException;
import io.tasq.PendingJob;
import io.tasq.RecurringJob;
import io.tasq.RemoteException;
import io.tasq.RunResult;
import io.tasq.SerializationException;
import io.tasq.TasqClient;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import io.tasq.RecurringInfo;
import io.tasq.core.metrics.ClientMetrics;
import io.tasq.internal.FutureAccess;
import io.tasq.core.schedule.Schedule;
import io.tasq.core.shipping.Bundle;
import io.tasq.core.shipping.CodeShipper;
import io.tasq.core.wire.Control;
import io.tasq.core.wire.JobCodec;
import io.tasq.core.wire.JobEnvelope;
import io.tasq.core.wire.JobPolicy;
import io.tasq.core.wire.RemoteErrors;
import io.tasq.core.wire.ResultCodec;
import io.tasq.core.wire.ResultEnvelope;
import io.tasq.core.wire.ResultStatus;
import io.tasq.spi.Backend;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Serializer;
import io.tasq.spi.Signer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client runtime: serializes and signs jobs, keeps them until connected and sends them in
 * order, matches results to futures by job id, and completes every future exactly once.
 *
 * <p>Thread-safe. Results are decoded and futures completed on one thread per client, so result
 * handling never blocks the backend's receive loop.
 */
public final class CoreClient implements TasqClient {

    private static final Logger LOG = LoggerFactory.getLogger(CoreClient.class);
    private static final FutureAccess FUTURES = FutureAccess.get();

    private enum State { NEW, CONNECTED, CLOSED }

    /** A submitted job without a result yet. */
    private static final class Entry {
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
    }

    private final String clientId;
    private final String idPrefix;
    /** The queue every job of this client is signed for. */
    private final String queue;
    /** How long a caller waits without a timeout before it is told why the wait may not end. */
    private final Duration unansweredWarning;
    /** How long a job may go unanswered before its future fails; null for no limit. */
    private final Duration jobTimeout;
    private final AtomicLong seq = new AtomicLong();
    private final Backend backend;
    private final boolean ownsBackend;
    private final Serializer serializer;
    private final Signer signer;
    private final CodeShipper shipper;
    private final Clock clock;
    private final int resultsKept;
    private final int maxBytes;
    private final ClassLoader loader;
    private final ClientMetrics metrics;
    private final ResultReader reader;

    private final Object lock = new Object();
    private State state = State.NEW;
    private JobProducer producer;
    private final ArrayDeque<Entry> unsent = new ArrayDeque<>();
    private final LinkedHashMap<String, TasqFuture<?>> byName = new LinkedHashMap<>();
    private final ArrayDeque<TasqFuture<?>> finished = new ArrayDeque<>();
    private final Map<String, Entry> pending = new ConcurrentHashMap<>();
    private final Map<String, RecurringHandle<?>> recurringById = new ConcurrentHashMap<>();
    private final Map<String, TasqFuture<?>> uniqueLocal = new ConcurrentHashMap<>();
    private final Map<String, RecurringHandle<?>> watched = new ConcurrentHashMap<>();
    private final ExecutorService completions;

    CoreClient(String clientId, Backend backend, boolean ownsBackend, Serializer serializer, Signer signer,
            CodeShipper shipper, Clock clock, int resultsKept, int maxBytes, Duration unansweredWarning,
            Duration jobTimeout) {
        this.clientId = Objects.requireNonNull(clientId, "clientId == null");
        this.idPrefix = randomId(8) + ".";
        this.queue = backend.queue();
        this.unansweredWarning = Objects.requireNonNull(unansweredWarning, "unansweredWarning == null");
        this.jobTimeout = jobTimeout;
        this.backend = Objects.requireNonNull(backend, "backend == null");
        this.ownsBackend = ownsBackend;
        this.serializer = Objects.requireNonNull(serializer, "serializer == null");
        this.signer = signer;
        this.shipper = Objects.requireNonNull(shipper, "shipper == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.resultsKept = resultsKept;
        this.maxBytes = maxBytes;
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        this.loader = tccl != null ? tccl : CoreClient.class.getClassLoader();
        this.reader = new ResultReader(serializer, loader);
        this.metrics = new ClientMetrics(io.micrometer.core.instrument.Metrics.globalRegistry, clientId,
                backend.describe());
        this.completions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tasq-client-" + clientId);
            t.setDaemon(true);
            return t;
        });
    }

    static String randomId(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(length);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public void connect() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new ClientClosedException("client " + clientId + " is closed; make a new one");
            }
            if (state == State.CONNECTED) {
                return;
            }
            producer = backend.openProducer(clientId, this::onResult);
            state = State.CONNECTED;
            LOG.debug("client {} connected to {}, sending {} held job(s)", clientId, backend.describe(), unsent.size());
            while (!unsent.isEmpty()) {
                send(unsent.poll());
            }
        }
    }

    @Override
    public void addWorker(String address) {
        Objects.requireNonNull(address, "address == null");
        JobProducer p;
        synchronized (lock) {
            p = producer;
        }
        if (p == null) {
            throw new IllegalStateException("client " + clientId + " is not connected; connect() first");
        }
        try {
            p.addWorker(address).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new TasqException("could not add worker " + address + ": " + e.getCause(), e.getCause(), true);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TasqException("the backend took more than 10 s to add worker " + address, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TasqException("interrupted while adding worker " + address, e, true);
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return state == State.CLOSED;
        }
    }

    @Override
    public boolean isConnected() {
        synchronized (lock) {
            return state == State.CONNECTED;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> TasqFuture<R> submit(Job<R> job, JobOptions options) {
        Objects.requireNonNull(job, "job == null");
        Objects.requireNonNull(options, "options == null");
        if (options.uniqueKey().isPresent()) {
            TasqFuture<?> first = uniqueLocal.get(options.uniqueKey().get());
            if (first != null && !first.isDone()) {
                return (TasqFuture<R>) first; // the same key is pending here: the first one answers both
            }
        }
        Schedule repeat = options.every().map(Schedule::parse).orElse(null);
        String schedule = repeat == null ? "" : repeat.canonical();
        long n = seq.incrementAndGet();
        String jobId = idPrefix + Long.toString(n, 36);
        String name = options.name().orElse(jobId);
        byte[] payload = serializer.serialize(job);
        Bundle bundle = shipper.bundleFor(job);
        long now = clock.millis();
        long notBefore = options.delay().isZero() ? 0 : now + options.delay().toMillis();
        byte[] body = JobCodec.encode(new JobEnvelope(jobId, name, clientId, now, notBefore, schedule,
                JobPolicy.options(options), serializer.name(), payload, bundle == null ? null : bundle.hash(),
                bundle == null ? null : bundle.wire()).forQueue(queue, options.expiresAtMillis(now)), signer);
        TasqFuture<R> future = FUTURES.newFuture(jobId, name, this::cancelled);
        // a repeating job goes to a worker at once, which registers it; its runs keep their own times
        Entry entry = new Entry(n, future, new OutboundJob(jobId, clientId, body, repeat == null ? notBefore : 0),
                Instant.ofEpochMilli(now));
        if (repeat != null) {
            Instant first = notBefore > 0 ? Instant.ofEpochMilli(notBefore) : repeat.nextAfter(Instant.ofEpochMilli(now));
            RecurringHandle<R> handle = new RecurringHandle<>(jobId, name, repeat, first, clock, this::cancelRecurring);
            FUTURES.bindRecurring(future, handle);
            recurringById.put(jobId, handle);
        }
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
            pending.put(jobId, entry);
            if (state == State.CONNECTED && unsent.isEmpty()) {
                send(entry);
            } else {
                unsent.add(entry);
            }
        }
        metrics.submitted();
        future.whenComplete((v, t) -> finished(entry));
        if (repeat == null) {
            watch(future);
        }
        options.uniqueKey().ifPresent(key -> {
            uniqueLocal.put(key, future);
            future.whenComplete((v, t) -> uniqueLocal.remove(key, future));
        });
        return future;
    }

    /** Warns about a caller waiting long without a timeout, and fails the job past client.job-timeout. */
    private void watch(TasqFuture<?> future) {
        FUTURES.warnWhenUnanswered(future, unansweredWarning, this::warnUnanswered);
        if (jobTimeout != null) {
            java.util.concurrent.CompletableFuture.delayedExecutor(jobTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (!future.isDone()) {
                            FUTURES.completeFailure(future, new io.tasq.JobUnansweredException("no answer for job '"
                                    + future.name() + "' (" + future.jobId() + ") within client.job-timeout of "
                                    + jobTimeout + " (" + future.attempts() + " attempt(s) reported): " + NO_ANSWER
                                    + "; it may still run"), null);
                        }
                    });
        }
    }

    private static final String NO_ANSWER = "no worker may be up, or a worker refused it without a word (a worker "
            + "never answers a job it cannot verify: unsigned, signed with a key it does not trust, expired, or for "
            + "another queue; see its log and the queue's dead letters)";

    private void warnUnanswered(TasqFuture<?> future) {
        LOG.warn("client {}: a caller has waited {} without a timeout for job '{}' ({}), which has no answer yet: {}; "
                + "wait with a timeout (unwrap(Duration)) or set client.job-timeout", clientId, unansweredWarning,
                future.name(), future.jobId(), NO_ANSWER);
    }

    /** Called with the lock held, so jobs reach the backend in submission order. */
    private void send(Entry entry) {
        producer.send(entry.out).whenComplete((ok, failure) -> {
            if (failure == null) {
                entry.sent = true;
            } else if (failure instanceof ClientClosedException && isClosed()) {
                LOG.trace("job {} not taken: the client is closing, which fails it", entry.future.jobId());
            } else {
                TasqException e = failure instanceof TasqException te ? te
                        : new TasqException("the backend did not take job '" + entry.future.name() + "': " + failure,
                                failure, true);
                FUTURES.completeFailure(entry.future, e, null);
            }
        });
    }

    private void finished(Entry entry) {
        metrics.completed(outcomeOf(entry.future), System.nanoTime() - entry.submittedNanos);
        if (!entry.future.isCancelled()) {
            // a cancelled one is removed by cancelled(), which runs after this and needs the entry
            pending.remove(entry.future.jobId());
        }
        synchronized (lock) {
            finished.add(entry.future);
            while (finished.size() > resultsKept) {
                TasqFuture<?> old = finished.poll();
                byName.remove(old.name(), old);
            }
        }
    }

    @Override
    public boolean cancel(String jobId) {
        Entry e = pending.get(jobId);
        return e != null && e.future.cancel(true);
    }

    /** A future was cancelled: withdraw the job where it can be, and tell the workers to drop it. */
    private static String outcomeOf(TasqFuture<?> f) {
        if (f.isCancelled()) {
            return "cancelled";
        }
        if (!f.isCompletedExceptionally()) {
            return "succeeded";
        }
        Throwable t;
        try {
            f.getNow(null);
            return "succeeded";
        } catch (java.util.concurrent.CompletionException e) {
            t = e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return "cancelled";
        }
        return t instanceof JobRejectedException ? "rejected" : t instanceof JobTimeoutException ? "timed-out"
                : t instanceof JobCancelledException ? "cancelled" : "failed";
    }

    private void cancelled(TasqFuture<?> future) {
        Entry e = pending.remove(future.jobId());
        if (e == null) {
            return;
        }
        JobProducer p;
        synchronized (lock) {
            if (unsent.remove(e)) {
                return; // it never left this client
            }
            p = producer;
        }
        RecurringHandle<?> handle = recurringById.get(future.jobId());
        if (handle != null) {
            cancelRecurring(handle.name());
        }
        if (p == null) {
            return;
        }
        String jobId = future.jobId();
        p.withdraw(jobId);
        String controlId = idPrefix + Long.toString(seq.incrementAndGet(), 36);
        long now = clock.millis();
        byte[] control = JobCodec.encode(new JobEnvelope(controlId, "cancel " + jobId, clientId, now, 0, "",
                Control.cancelJob(jobId), serializer.name(), new byte[0]).forQueue(queue, controlExpiry(now)), signer);
        p.broadcast(control).whenComplete((ok, failure) -> {
            if (failure != null) {
                // no broadcast on this backend: the request goes like a job, to a worker
                p.send(new OutboundJob(controlId, clientId, control, 0));
            }
        });
        LOG.debug("client {} cancelled job {}", clientId, jobId);
    }

    /** Until when a control request is valid: as long as a job with the default ttl. */
    private static long controlExpiry(long now) {
        return now + JobOptions.DEFAULT_TTL.toMillis();
    }

    private void onResult(byte[] body) {
        try {
            completions.execute(() -> handle(body));
        } catch (RejectedExecutionException e) {
            LOG.debug("client {} is closed; a late result is dropped", clientId);
        }
    }

    private void handle(byte[] body) {
        ResultEnvelope r;
        try {
            r = ResultCodec.decode(body, maxBytes);
        } catch (InvalidEnvelopeException e) {
            LOG.warn("client {} received a malformed result and dropped it: {}", clientId, e.getMessage());
            return;
        }
        ResultReader.Decoded d = reader.decode(r);
        if (r.status() == ResultStatus.RETRYING) {
            Entry retrying = pending.get(r.jobId());
            if (retrying != null) {
                FUTURES.attemptFailed(retrying.future, r.attempt(), d.failure());
            }
            return;
        }
        RecurringHandle<?> handle = recurringById.get(r.jobId());
        if (handle == null && r.run() > 0) {
            handle = watched.get(r.name());
        }
        if (handle != null) {
            ResultReader.deliverRun(handle, r, d);
        }
        Entry entry = pending.get(r.jobId());
        if (entry == null) {
            if (handle == null) {
                LOG.debug("client {}: result for job {}, which is not pending here (a duplicate or late result)",
                        clientId, r.jobId());
            }
            return;
        }
        ResultReader.complete(entry.future, r, d);
    }

    @Override
    public Map<String, RecurringJob<?>> recurring() {
        Map<String, RecurringJob<?>> m = new LinkedHashMap<>();
        recurringById.values().stream().filter(h -> !h.isCancelled()).forEach(h -> m.put(h.name(), h));
        return Collections.unmodifiableMap(m);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> RecurringJob<R> watchRecurring(String name) {
        Objects.requireNonNull(name, "name == null");
        return (RecurringJob<R>) watched.computeIfAbsent(name,
                n -> new RecurringHandle<R>(null, n, null, null, clock, this::cancelRecurring));
    }

    @Override
    public TasqFuture<Boolean> cancelRecurring(String name) {
        Objects.requireNonNull(name, "name == null");
        return this.<Boolean>control(Control.cancelRecurring(name), "cancel " + name, removed -> {
            recurringById.values().removeIf(h -> {
                if (h.name().equals(name)) {
                    h.markCancelled();
                    return true;
                }
                return false;
            });
            RecurringHandle<?> w = watched.remove(name);
            if (w != null) {
                w.markCancelled();
            }
        });
    }

    @Override
    public TasqFuture<List<RecurringInfo>> listRecurring() {
        return control(Control.listRecurring(), "list repeating jobs", list -> { });
    }

    /**
     * Sends a signed control request, answered by a worker like a job; {@code onAnswer} runs before
     * the caller sees the answer.
     */
    private <T> TasqFuture<T> control(Map<String, String> request, String name, Consumer<T> onAnswer) {
        long n = seq.incrementAndGet();
        String jobId = idPrefix + Long.toString(n, 36);
        long now = clock.millis();
        byte[] body = JobCodec.encode(new JobEnvelope(jobId, name, clientId, now, 0, "", request, serializer.name(),
                new byte[0]).forQueue(queue, controlExpiry(now)), signer);
        TasqFuture<T> future = FUTURES.newFuture(jobId, name, f -> pending.remove(f.jobId()));
        Entry entry = new Entry(n, future, new OutboundJob(jobId, clientId, body, 0), Instant.ofEpochMilli(now));
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new ClientClosedException("client " + clientId + " is closed; cannot send '" + name + "'");
            }
            pending.put(jobId, entry);
            if (state == State.CONNECTED && unsent.isEmpty()) {
                send(entry);
            } else {
                unsent.add(entry);
            }
        }
        // the caller sees the answer only once onAnswer has run
        TasqFuture<T> answer = FUTURES.newFuture(jobId, name, f -> future.cancel(false));
        future.whenComplete((value, t) -> {
            pending.remove(jobId);
            if (t == null) {
                onAnswer.accept(value);
                answer.complete(value);
            } else {
                answer.completeExceptionally(t);
            }
        });
        return answer;
    }

    @Override
    public Map<String, TasqFuture<?>> results() {
        synchronized (lock) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        }
    }

    @Override
    public List<PendingJob> pendingJobs() {
        return pending.values().stream()
                .sorted(Comparator.comparingLong(e -> e.seq))
                .map(e -> new PendingJob(e.future.jobId(), e.future.name(), e.submittedAt, e.sent))
                .toList();
    }

    @Override
    public void disconnect() {
        JobProducer p;
        List<Entry> left;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            p = producer;
            producer = null;
            unsent.clear();
        }
        try {
            if (p != null) {
                p.close();
            }
        } finally {
            completions.shutdown();
            try {
                completions.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recurringById.values().forEach(RecurringHandle::close);
            watched.values().forEach(RecurringHandle::close);
            left = List.copyOf(pending.values());
            for (Entry e : left) {
                FUTURES.completeFailure(e.future, new ClientClosedException("client " + clientId + " closed before job '"
                        + e.future.name() + "' (" + e.future.jobId() + ") finished"
                        + (e.sent ? "; the job may still run on a worker" : "; it was never sent")), null);
            }
            if (ownsBackend) {
                backend.close();
            }
        }
    }

    @Override
    public String toString() {
        return "TasqClient{id=" + clientId + ", backend=" + backend.describe() + ", pending=" + pending.size() + "}";
    }
}
