package io.tasq.core.client;

import io.tasq.ClientClosedException;
import io.tasq.DuplicateJobException;
import io.tasq.InvalidEnvelopeException;
import io.tasq.Job;
import io.tasq.JobCancelledException;
import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.JobRejectedException;
import io.tasq.JobResult;
import io.tasq.PendingJob;
import io.tasq.RemoteException;
import io.tasq.SerializationException;
import io.tasq.TasqClient;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import io.tasq.core.schedule.Schedule;
import io.tasq.core.shipping.Bundle;
import io.tasq.core.shipping.CodeShipper;
import io.tasq.core.wire.JobCodec;
import io.tasq.core.wire.JobEnvelope;
import io.tasq.core.wire.RemoteErrors;
import io.tasq.core.wire.ResultCodec;
import io.tasq.core.wire.ResultEnvelope;
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

    private enum State { NEW, CONNECTED, CLOSED }

    /** A submitted job without a result yet. */
    private static final class Entry {
        final long seq;
        final TasqFuture<?> future;
        final OutboundJob out;
        final Instant submittedAt;
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

    private final Object lock = new Object();
    private State state = State.NEW;
    private JobProducer producer;
    private final ArrayDeque<Entry> unsent = new ArrayDeque<>();
    private final LinkedHashMap<String, TasqFuture<?>> byName = new LinkedHashMap<>();
    private final ArrayDeque<TasqFuture<?>> finished = new ArrayDeque<>();
    private final Map<String, Entry> pending = new ConcurrentHashMap<>();
    private final ExecutorService completions;

    CoreClient(String clientId, Backend backend, boolean ownsBackend, Serializer serializer, Signer signer,
            CodeShipper shipper, Clock clock, int resultsKept, int maxBytes) {
        this.clientId = Objects.requireNonNull(clientId, "clientId == null");
        this.idPrefix = randomId(8) + ".";
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
    public boolean isConnected() {
        synchronized (lock) {
            return state == State.CONNECTED;
        }
    }

    @Override
    public <R> TasqFuture<R> submit(Job<R> job, JobOptions options) {
        Objects.requireNonNull(job, "job == null");
        Objects.requireNonNull(options, "options == null");
        String schedule = options.every().map(s -> Schedule.parse(s).canonical()).orElse("");
        long n = seq.incrementAndGet();
        String jobId = idPrefix + Long.toString(n, 36);
        String name = options.name().orElse(jobId);
        byte[] payload = serializer.serialize(job);
        Bundle bundle = shipper.bundleFor(job);
        long now = clock.millis();
        long notBefore = options.delay().isZero() ? 0 : now + options.delay().toMillis();
        byte[] body = JobCodec.encode(new JobEnvelope(jobId, name, clientId, now, notBefore, schedule, Map.of(),
                serializer.name(), payload, bundle == null ? null : bundle.hash(), bundle == null ? null
                        : bundle.wire()), signer);
        TasqFuture<R> future = new TasqFuture<>(jobId, name, this::cancelled);
        Entry entry = new Entry(n, future, new OutboundJob(jobId, clientId, body, notBefore), Instant.ofEpochMilli(now));
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
        future.whenComplete((v, t) -> finished(entry));
        return future;
    }

    /** Called with the lock held, so jobs reach the backend in submission order. */
    private void send(Entry entry) {
        producer.send(entry.out).whenComplete((ok, failure) -> {
            if (failure == null) {
                entry.sent = true;
            } else {
                TasqException e = failure instanceof TasqException te ? te
                        : new TasqException("the backend did not take job '" + entry.future.name() + "': " + failure,
                                failure, true);
                entry.future.completeFailure(e, null);
            }
        });
    }

    private void finished(Entry entry) {
        pending.remove(entry.future.jobId());
        synchronized (lock) {
            finished.add(entry.future);
            while (finished.size() > resultsKept) {
                TasqFuture<?> old = finished.poll();
                byName.remove(old.name(), old);
            }
        }
    }

    private void cancelled(TasqFuture<?> future) {
        Entry e = pending.remove(future.jobId());
        if (e != null) {
            synchronized (lock) {
                unsent.remove(e);
            }
        }
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
        Entry entry = pending.get(r.jobId());
        if (entry == null) {
            LOG.debug("client {}: result for job {}, which is not pending here (a duplicate or late result)",
                    clientId, r.jobId());
            return;
        }
        try {
            complete(entry.future, r);
        } catch (RuntimeException e) {
            entry.future.completeFailure(e instanceof TasqException te ? te
                    : new TasqException("cannot read the result of job '" + r.name() + "': " + e, e), null);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void complete(TasqFuture future, ResultEnvelope r) {
        Duration took = Duration.ofNanos(r.execNanos());
        switch (r.status()) {
            case OK -> {
                Object value;
                if (r.payload().length == 0 && r.serializer().isEmpty()) {
                    value = null;
                } else if (!r.serializer().equals(serializer.name())) {
                    throw new SerializationException("the result of job '" + r.name() + "' was written by serializer '"
                            + r.serializer() + "', this client reads '" + serializer.name() + "'");
                } else {
                    // the client trusts the workers it sends to; Fory's list of known gadgets still applies
                    value = serializer.deserialize(r.payload(), loader, ClassFilter.ALLOW_ALL);
                }
                future.completeResult(new JobResult<>(r.jobId(), r.name(), value, took, r.attempt(), r.run(),
                        r.workerId(), Instant.ofEpochMilli(r.finishedAtMillis())));
            }
            case FAILED -> future.completeFailure(new JobFailedException(r.jobId(), r.name(),
                    RemoteErrors.decode(r.payload())), took);
            case REJECTED -> {
                RemoteException why = RemoteErrors.decode(r.payload());
                future.completeFailure(new JobRejectedException(r.jobId(), why.remoteType(), "worker " + r.workerId()
                        + " rejected job '" + r.name() + "' (" + r.jobId() + "): " + why.getMessage()), null);
            }
            case TIMEOUT, CANCELLED -> {
                RemoteException why = RemoteErrors.decode(r.payload());
                future.completeFailure(new JobCancelledException("job '" + r.name() + "' (" + r.jobId() + ") did not "
                        + "finish on worker " + r.workerId() + ": " + why.getMessage()), took);
            }
            default -> throw new IllegalStateException("unknown status " + r.status());
        }
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
            left = List.copyOf(pending.values());
            for (Entry e : left) {
                e.future.completeFailure(new ClientClosedException("client " + clientId + " closed before job '"
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
