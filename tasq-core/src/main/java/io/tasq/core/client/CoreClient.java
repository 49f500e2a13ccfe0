package io.tasq.core.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.tasq.ClientClosedException;
import io.tasq.Job;
import io.tasq.JobCancelledException;
import io.tasq.JobOptions;
import io.tasq.JobRejectedException;
import io.tasq.JobTimeoutException;
import io.tasq.PendingJob;
import io.tasq.RecurringInfo;
import io.tasq.RecurringJob;
import io.tasq.TasqClient;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import io.tasq.core.internal.metrics.ClientMetrics;
import io.tasq.core.internal.schedule.Schedule;
import io.tasq.core.internal.shipping.Bundle;
import io.tasq.core.internal.shipping.CodeShipper;
import io.tasq.core.internal.wire.Control;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.JobPolicy;
import io.tasq.internal.FutureAccess;
import io.tasq.spi.Backend;
import io.tasq.spi.ClientPool;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Serializer;
import io.tasq.spi.Signer;
import io.tasq.spi.Withdrawal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
 * handling never blocks the backend's receive loop. Its parts: {@link PendingJobs} (send or hold,
 * names, state), {@link ResultDispatcher} (results), {@link RecurringHandles}, {@link UnansweredJobs}.
 */
final class CoreClient implements TasqClient {

    private static final Logger LOG = LoggerFactory.getLogger(CoreClient.class);
    private static final FutureAccess FUTURES = FutureAccess.get();

    private final String clientId;
    private final String idPrefix;
    /** The queue every job of this client is signed for. */
    private final String queue;
    private final UnansweredJobs unanswered;
    private final AtomicLong seq = new AtomicLong();
    private final Backend backend;
    private final boolean ownsBackend;
    private final Serializer serializer;
    private final Signer signer;
    private final CodeShipper shipper;
    private final Clock clock;
    private final ClientMetrics metrics;
    private final PendingJobs pending;
    private final RecurringHandles recurring = new RecurringHandles();
    private final Map<String, TasqFuture<?>> uniqueLocal = new ConcurrentHashMap<>();
    private final ResultDispatcher results;

    CoreClient(String clientId, Backend backend, boolean ownsBackend, Serializer serializer, Signer signer,
            CodeShipper shipper, Clock clock, int resultsKept, int maxBytes, Duration unansweredWarning,
            Duration jobTimeout, MeterRegistry registry) {
        this.clientId = Objects.requireNonNull(clientId, "clientId == null");
        this.idPrefix = randomId(8) + ".";
        this.queue = backend.queue();
        this.unanswered = new UnansweredJobs(clientId,
                Objects.requireNonNull(unansweredWarning, "unansweredWarning == null"), jobTimeout);
        this.backend = Objects.requireNonNull(backend, "backend == null");
        this.ownsBackend = ownsBackend;
        this.serializer = Objects.requireNonNull(serializer, "serializer == null");
        this.signer = signer;
        this.shipper = Objects.requireNonNull(shipper, "shipper == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.metrics = new ClientMetrics(Objects.requireNonNull(registry, "registry == null"), clientId,
                backend.describe());
        this.pending = new PendingJobs(clientId, resultsKept);
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = tccl != null ? tccl : CoreClient.class.getClassLoader();
        this.results = new ResultDispatcher(clientId, serializer, loader, maxBytes, pending, recurring);
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
        pending.connect(() -> backend.openProducer(clientId, results), backend.describe());
    }

    @Override
    public void addWorker(String address) {
        Objects.requireNonNull(address, "address == null");
        JobProducer p = pending.producer();
        if (p == null) {
            throw new IllegalStateException("client " + clientId + " is not connected; connect() first");
        }
        try {
            p.feature(ClientPool.class).orElseThrow(() -> new UnsupportedOperationException("this backend's workers "
                    + "find their queue through its broker: start another worker on the same URL instead of adding it "
                    + "to the client")).addWorker(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
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

    @Override
    public boolean isConnected() {
        return pending.isConnected();
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
        PendingJobs.Entry entry = new PendingJobs.Entry(n, future,
                new OutboundJob(jobId, clientId, body, repeat == null ? notBefore : 0), Instant.ofEpochMilli(now));
        if (repeat != null) {
            Instant first = notBefore > 0 ? Instant.ofEpochMilli(notBefore) : repeat.nextAfter(Instant.ofEpochMilli(now));
            RecurringHandle<R> handle = new RecurringHandle<>(jobId, name, repeat, first, clock, this::cancelRecurring);
            FUTURES.bindRecurring(future, handle);
            recurring.add(handle);
        }
        pending.addJob(entry);
        metrics.submitted();
        future.whenComplete((v, t) -> finished(entry));
        if (repeat == null) {
            unanswered.watch(future);
        }
        options.uniqueKey().ifPresent(key -> {
            uniqueLocal.put(key, future);
            future.whenComplete((v, t) -> uniqueLocal.remove(key, future));
        });
        return future;
    }

    private void finished(PendingJobs.Entry entry) {
        metrics.completed(outcomeOf(entry.future), System.nanoTime() - entry.submittedNanos);
        pending.finished(entry);
    }

    @Override
    public boolean cancel(String jobId) {
        PendingJobs.Entry e = pending.get(jobId);
        return e != null && e.future.cancel(true);
    }

    /** How a finished job's future ended, as the metrics name it. */
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

    /** A future was cancelled: withdraw the job where it can be, and tell the workers to drop it. */
    private void cancelled(TasqFuture<?> future) {
        PendingJobs.Link link = pending.cancelled(future.jobId());
        if (link == null) {
            return; // not pending, or it never left this client
        }
        JobProducer p = link.producer();
        RecurringHandle<?> handle = recurring.submitted(future.jobId());
        if (handle != null) {
            cancelRecurring(handle.name());
        }
        if (p == null) {
            return;
        }
        String jobId = future.jobId();
        p.feature(Withdrawal.class).ifPresent(w -> w.withdraw(jobId));
        String controlId = idPrefix + Long.toString(seq.incrementAndGet(), 36);
        byte[] control = controlEnvelope(controlId, "cancel " + jobId, Control.cancelJob(jobId), clock.millis());
        PendingJobs.toWorkers(p, new OutboundJob(controlId, clientId, control, 0));
        LOG.debug("client {} cancelled job {}", clientId, jobId);
    }

    /** A signed control request, valid as long as a job with the default ttl. */
    private byte[] controlEnvelope(String id, String name, Map<String, String> request, long now) {
        return JobCodec.encode(new JobEnvelope(id, name, clientId, now, 0, "", request, serializer.name(), new byte[0])
                .forQueue(queue, now + JobOptions.DEFAULT_TTL.toMillis()), signer);
    }

    @Override
    public Map<String, RecurringJob<?>> recurring() {
        return recurring.active();
    }

    @Override
    public <R> RecurringJob<R> watchRecurring(String name) {
        Objects.requireNonNull(name, "name == null");
        return recurring.<R>watch(name, n -> new RecurringHandle<>(null, n, null, null, clock, this::cancelRecurring));
    }

    @Override
    public TasqFuture<Boolean> cancelRecurring(String name) {
        Objects.requireNonNull(name, "name == null");
        return this.<Boolean>control(Control.cancelRecurring(name), "cancel " + name,
                removed -> recurring.cancelled(name));
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
        byte[] body = controlEnvelope(jobId, name, request, now);
        TasqFuture<T> future = FUTURES.newFuture(jobId, name, f -> pending.remove(f.jobId()));
        pending.addControl(new PendingJobs.Entry(n, future, new OutboundJob(jobId, clientId, body, 0),
                Instant.ofEpochMilli(now)));
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
        return pending.results();
    }

    @Override
    public List<PendingJob> pendingJobs() {
        return pending.all().stream()
                .map(e -> new PendingJob(e.jobId(), e.future.name(), e.submittedAt, e.sent))
                .toList();
    }

    @Override
    public void disconnect() {
        PendingJobs.Link link = pending.close();
        if (link == null) {
            return;
        }
        JobProducer p = link.producer();
        try {
            if (p != null) {
                p.close();
            }
        } finally {
            results.close();
            recurring.closeAll();
            for (PendingJobs.Entry e : pending.all()) {
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
