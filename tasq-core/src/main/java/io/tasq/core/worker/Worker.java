package io.tasq.core.worker;

import io.tasq.core.internal.actor.Router;
import io.tasq.core.internal.metrics.WorkerMetrics;
import io.tasq.core.internal.schedule.MemoryScheduleStore;
import io.tasq.core.internal.schedule.Scheduler;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.security.SignatureCheck;
import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.Recurring;
import io.tasq.spi.ReplayGuard;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.Serializer;
import io.tasq.spi.UniqueLocks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: takes jobs from a backend and hands each to a pool of actors behind a routing strategy,
 * where it goes through the worker's steps ({@link JobStep}, listed in {@link #start}): checked
 * (signature first, before anything is deserialized) and admitted, run under its time limit,
 * retried or dead-lettered, and answered through one reply path, so receiving never waits on
 * running or replying. Jobs that are early wait in a
 * timer, never in an actor or in the receive loop. A bad envelope is refused, logged, counted and
 * dead-lettered, and answered to no one (its address is as unverified as the rest); it never stops
 * the worker. A backend whose transport dies stops the worker ({@link #failure()}).
 *
 * <pre>{@code
 * Worker worker = Worker.builder().backend("zmq://127.0.0.1:9000").concurrency(4).build();
 * worker.start();
 * ...
 * worker.stop(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final String id;
    private final Backend backend;
    private final boolean ownsBackend;
    private final int concurrency;
    private final RoutingStrategy strategy;
    private final SignatureCheck signatures;
    private final Serializer serializer;
    private final Clock clock;
    private final int maxBytes;
    private final Duration shutdownTimeout;
    private final boolean codeShipping;
    private final WorkerType workerType;
    private final Duration schedulerPeriod;
    private final int maxCrashes;
    private final Duration timeoutGrace;
    private final Duration heartbeatInterval;
    private final int replayMemory;
    private final WorkerMetrics metrics;
    /** Makes the worker's {@link Execution} when it starts. */
    private final java.util.function.Function<Counters, Execution> executions;
    private final Counters stats = new Counters();
    private final Map<Delivery, Boolean> inHand = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private volatile JobConsumer consumer;
    private volatile Router<WorkItem> router;
    private volatile ReplyPath replies;
    private volatile HeldJobs held;
    private volatile Execution execution;
    private volatile Scheduler scheduler;
    private volatile Heartbeat heartbeat;
    private volatile long startedAt;
    private volatile Throwable failure;

    Worker(WorkerBuilder b) {
        this.id = b.id;
        this.backend = b.backend;
        this.ownsBackend = b.ownsBackend;
        this.concurrency = b.concurrency;
        this.strategy = b.strategy;
        this.signatures = b.signatures;
        this.serializer = b.serializer;
        this.clock = b.clock;
        this.maxBytes = b.maxBytes;
        this.shutdownTimeout = b.shutdownTimeout;
        this.codeShipping = b.codeShipping;
        this.workerType = b.workerType;
        this.schedulerPeriod = b.schedulerPeriod;
        this.maxCrashes = b.maxCrashes;
        this.timeoutGrace = b.timeoutGrace;
        this.heartbeatInterval = b.heartbeatInterval;
        this.replayMemory = b.replayMemory;
        this.executions = b.executions();
        this.metrics = new WorkerMetrics(b.registry, b.id, b.backend.describe());
    }

    /** Where jobs run: on actors, or in child JVMs. */
    public WorkerType type() {
        return workerType;
    }

    /** A builder; see its setters for the defaults. */
    public static WorkerBuilder builder() {
        return new WorkerBuilder();
    }

    /** This worker's id, unique among the workers of a queue. */
    public String id() {
        return id;
    }

    /** What this worker has done so far. */
    public WorkerStats stats() {
        return stats.snapshot();
    }

    /** How many jobs run at once. */
    public int concurrency() {
        return concurrency;
    }

    /**
     * Opens the backend and starts taking jobs.
     *
     * @throws io.tasq.BackendUnavailableException if the backend cannot be reached or bound
     */
    public Worker start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker " + id + " was already started");
        }
        JobConsumer c;
        try {
            c = backend.openConsumer(new ConsumerOptions(id, concurrency * 2));
        } catch (RuntimeException e) {
            // never started: a later stop() has nothing to stop
            stopped.set(true);
            terminated.countDown();
            if (ownsBackend) {
                backend.close();
            }
            throw e;
        }
        this.consumer = c;
        this.replies = new ReplyPath(id, c, stats);
        this.held = new HeldJobs(id, clock, item -> router.route(item));
        this.execution = executions.apply(stats);
        ScheduleStore store = c.feature(ScheduleStore.class).orElseGet(() -> new MemoryScheduleStore(this::fireHeld));
        Admission admission = new Admission(id, backend.queue(), clock, new ReplayMemory(replayMemory),
                c.feature(ReplayGuard.class));
        Cancellations cancellations = new Cancellations(id, clock, held, execution, c, replies, stats);
        ControlRequests control = new ControlRequests(id, signatures, maxBytes, clock, store, serializer,
                cancellations, admission, replies, stats);
        JobPipeline pipeline = new JobPipeline(id, steps(c, store, admission, cancellations, control), c, held);
        this.router = new Router<>(id + "-actor", concurrency, strategy, pipeline::handle);
        if (signatures.acceptsUnsigned()) {
            LOG.warn("INSECURE: worker {} accepts UNSIGNED jobs: anyone who can reach {} can run code here",
                    id, backend.describe());
        }
        this.scheduler = new Scheduler(id, store, clock, maxBytes, schedulerPeriod);
        this.startedAt = clock.millis();
        stats.bindTo(metrics, held);
        this.heartbeat = new Heartbeat(id, backend, c, metrics, this::info);
        heartbeat.start(heartbeatInterval);
        c.start(new JobListener() {
            @Override
            public void onJob(Delivery delivery) {
                stats.received.incrementAndGet();
                inHand.put(delivery, Boolean.TRUE);
                router.route(WorkItem.fresh(new TrackedDelivery(delivery, inHand)));
            }

            @Override
            public void onControl(byte[] body) {
                control.broadcast(body);
            }

            @Override
            public void onTransportFailure(Throwable cause) {
                failed(cause);
            }
        });
        String runners = workerType == WorkerType.PROCESS ? (concurrency == 1 ? "process" : "processes")
                : (concurrency == 1 ? "actor" : "actors");
        LOG.info("Listening for jobs on {} (worker {}, {} {}, {} routing, code shipping {}, trusts {})",
                c.describe(), id, concurrency, runners, strategy.label(), codeShipping ? "on" : "off",
                signatures.describe());
        return this;
    }

    /**
     * The steps of a job's way through this worker, in the order it meets them: the one place they are
     * listed. A new policy (a rate limit before the run, continuations after it) is a new entry here.
     */
    private List<JobStep> steps(JobConsumer c, ScheduleStore store, Admission admission,
            Cancellations cancellations, ControlRequests control) {
        UniqueLocks locks = c.feature(UniqueLocks.class).orElseGet(() -> new MemoryUniqueLocks(clock));
        return List.of(
                new CheckStep(id, signatures, execution, maxBytes, stats),
                new AdmitStep(id, admission, stats),
                control,
                new CancelledStep(id, cancellations, replies, stats),
                new PoisonStep(id, maxCrashes, clock, admission, replies, stats),
                new RepeatingStep(id, clock, store, admission, replies),
                new DelayStep(clock, held, admission, stats),
                new UniqueStep(locks, replies),
                new TimeLimitStep(id, execution, held.timer(), timeoutGrace, t -> router.replace(t), cancellations,
                        clock, metrics, stats),
                new CancelledRunStep(id, cancellations, stats),
                new RetryStep(clock, admission, replies, stats),
                new DeadLetterStep(admission, stats),
                new ReplyStep(replies));
    }

    /**
     * The backend's transport died for good: a worker that can take no more jobs must not look alive.
     * It stops (what runs may finish; what it holds goes back), and {@link #failure()} says why.
     */
    private void failed(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        LOG.error("worker {}: its transport to {} failed and it can take no more jobs; stopping", id,
                backend.describe(), cause);
        Thread stopper = new Thread(() -> stop(shutdownTimeout), id + "-failure-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /**
     * Why the worker stopped by itself, if it did: its backend's transport failed for good. A
     * launcher exits non-zero on it.
     */
    public java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** Where the worker listens or what it consumes, once started. */
    public String describe() {
        JobConsumer c = consumer;
        return c == null ? backend.describe() : c.describe();
    }

    /** What this worker says about itself. */
    public io.tasq.spi.WorkerInfo info() {
        double[] run = metrics.runPercentilesMillis();
        return new io.tasq.spi.WorkerInfo(id, HOST, ProcessHandle.current().pid(), backend.describe(),
                workerType.label(), concurrency, startedAt, stats.succeeded.get(), stats.failed.get(), stats.rejected.get(),
                stats.running.get(), held == null ? 0 : held.size(), clock.millis(), heartbeatInterval.toMillis(), run[0],
                run[1]);
    }

    private static final String HOST = WorkerBuilder.hostName();

    /** A run of a repeating job this worker keeps in memory: checked at registration, run now. */
    private void fireHeld(Recurring run) {
        try {
            router.route(WorkItem.held(JobCodec.decode(run.envelope(), maxBytes), 1, run.lastRun()));
        } catch (IllegalStateException stopping) {
            // the worker is stopping: the run is skipped
        }
    }

    /**
     * Stops gracefully: takes no new jobs, lets running ones finish within {@code grace}, hands the
     * unfinished back to the backend, tells the senders of held (delayed) jobs that they will not
     * run, then closes. Idempotent.
     */
    public void stop(Duration grace) {
        if (!started.get() || !stopped.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        LOG.info("worker {} stopping: no new jobs, up to {} for {} running", id, grace, router.load());
        consumer.pause();
        scheduler.close();
        heartbeat.stop();
        // held runs (delays, retries) will not come: their senders are told; the timer keeps the time
        // limits of the jobs still running until they are done
        held.stop(h -> replies.done(ResultEnvelope.cancelled(ResultEnvelope.Origin.of(h.job().job(), id, h.attempt(),
                h.run()), clock.millis(), 0, RemoteErrors.encode("io.tasq.WorkerStoppedException", "worker " + id
                        + " stopped before the job's delay ran out; submit it again")),
                Outcome.held(consumer, held, h.job(), h.attempt())));
        router.stop();
        try {
            if (!router.awaitStop(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("worker {}: {} job(s) still running after {}; interrupting them and handing them back",
                        id, router.load(), grace);
                inHand.keySet().forEach(Delivery::release);
                router.actors().forEach(a -> execution.interrupt(a.thread()));
                router.awaitStop(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inHand.keySet().forEach(Delivery::release);
            held.close();
            execution.close();
            consumer.close();
            if (ownsBackend) {
                backend.close();
            }
            LOG.info("worker {} stopped ({})", id, stats);
            terminated.countDown();
        }
    }

    /** Stops with the configured shutdown timeout. */
    @Override
    public void close() {
        stop(shutdownTimeout);
    }

    /** Blocks until the worker has stopped. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    private void awaitQuietly() {
        if (started.get()) {
            try {
                terminated.await(shutdownTimeout.toMillis() + 15_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
