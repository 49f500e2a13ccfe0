package io.tasq.core.worker;

import io.tasq.ConfigurationException;
import io.tasq.core.config.Config;
import io.tasq.core.internal.actor.Actor;
import io.tasq.core.internal.actor.Router;
import io.tasq.core.internal.metrics.WorkerMetrics;
import io.tasq.core.internal.schedule.MemoryScheduleStore;
import io.tasq.core.internal.schedule.Scheduler;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.core.internal.shipping.BundleCache;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.security.SignatureCheck;
import io.tasq.core.security.Signing;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.Providers;
import io.tasq.spi.Recurring;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import io.tasq.spi.UniqueLocks;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: takes jobs from a backend, checks their signatures before anything is deserialized,
 * runs them on a pool of actors behind a routing strategy, and sends results back through a
 * response actor, so receiving never waits on running or replying. Jobs that are early wait in a
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
    private final ClassPolicy classes;
    private final Clock clock;
    private final int maxBytes;
    private final Duration shutdownTimeout;
    private final boolean codeShipping;
    private final int maxBundles;
    private final Duration bundleIdle;
    private final WorkerType workerType;
    private final String childHeap;
    private final Duration schedulerPeriod;
    private final int maxCrashes;
    private final Duration timeoutGrace;
    private final Duration heartbeatInterval;
    private final int replayMemory;
    private final WorkerMetrics metrics;
    private final WorkerStats stats = new WorkerStats();
    private final Map<Delivery, Boolean> inHand = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private volatile JobConsumer consumer;
    private volatile Router<WorkItem> router;
    /** Sends results back so that actors never wait on the backend; null where settling only queues work. */
    private volatile Actor<Reply> responder;
    /** Where actors hand their replies: the responder, or {@link #respond} on their own thread. */
    private volatile Consumer<Reply> replies;
    private volatile HeldJobs held;
    private volatile Execution execution;
    private volatile Scheduler scheduler;
    private volatile long startedAt;
    private volatile Throwable failure;
    /** Its own thread: asking the backend about the queue may take a while, and must not delay held jobs. */
    private final java.util.concurrent.ScheduledExecutorService heartbeats =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tasq-heartbeat");
                t.setDaemon(true);
                return t;
            });

    Worker(WorkerBuilder b) {
        this.id = b.id;
        this.backend = b.backend;
        this.ownsBackend = b.ownsBackend;
        this.concurrency = b.concurrency;
        this.strategy = b.strategy;
        this.signatures = b.signatures;
        this.serializer = b.serializer;
        this.classes = b.classes;
        this.clock = b.clock;
        this.maxBytes = b.maxBytes;
        this.shutdownTimeout = b.shutdownTimeout;
        this.codeShipping = b.codeShipping;
        this.maxBundles = b.maxBundles;
        this.bundleIdle = b.bundleIdle;
        this.workerType = b.workerType;
        this.childHeap = b.childHeap;
        this.schedulerPeriod = b.schedulerPeriod;
        this.maxCrashes = b.maxCrashes;
        this.timeoutGrace = b.timeoutGrace;
        this.heartbeatInterval = b.heartbeatInterval;
        this.replayMemory = b.replayMemory;
        this.metrics = new WorkerMetrics(b.registry, b.id, b.backend.describe());
    }

    /** Where jobs run: on actors, or in child JVMs. */
    public WorkerType type() {
        return workerType;
    }

    private ProcessExecution.ChildOptions childOptions() {
        List<String> settings = List.of("serializer=" + serializer.name(),
                ClassPolicy.ALLOW_SETTING + "=" + classes.patterns(),
                "worker.code-shipping=" + codeShipping, "worker.max-bundles=" + maxBundles,
                "worker.bundle-idle=" + bundleIdle, "envelope.max-bytes=" + maxBytes);
        return new ProcessExecution.ChildOptions(System.getProperty("java.home"),
                System.getProperty("java.class.path"), childHeap, settings);
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
        return stats;
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
        if (backend.capabilities().contains(BackendCapability.QUEUED_SETTLEMENT)) {
            // settling only queues work for the backend's IO thread: a hand-off to a responder would
            // add a thread wake-up to every job and save the actor nothing
            this.replies = this::respondHere;
        } else {
            this.responder = new Actor<>(id + "-responder", this::respond);
            this.replies = responder::tell;
        }
        this.held = new HeldJobs(id, clock, item -> router.route(item));
        ClassLoader loader = Worker.class.getClassLoader();
        BundleCache bundles = codeShipping ? new BundleCache(loader, classes, maxBundles, bundleIdle, clock, maxBytes,
                serializer::forget) : null;
        this.execution = workerType == WorkerType.PROCESS
                ? new ProcessExecution(id, concurrency, childOptions(), stats)
                : new LocalExecution(id, serializer, loader, classes, bundles, clock, stats);
        ScheduleStore store = c.schedules().orElseGet(() -> new MemoryScheduleStore(this::fireHeld));
        UniqueLocks locks = c.uniqueLocks().orElseGet(() -> new MemoryUniqueLocks(clock));
        Admission admission = new Admission(id, backend.queue(), clock, new ReplayMemory(replayMemory),
                c.replayGuard());
        JobRunner runner = new JobRunner(new JobRunner.Context(id, signatures, execution, clock, maxBytes, stats,
                replies, held, c, store, locks, serializer, maxCrashes, timeoutGrace, t -> router.replace(t),
                held.timer(), metrics, admission));
        this.router = new Router<>(id + "-actor", concurrency, strategy, runner::handle);
        if (signatures.acceptsUnsigned()) {
            LOG.warn("INSECURE: worker {} accepts UNSIGNED jobs: anyone who can reach {} can run code here",
                    id, backend.describe());
        }
        this.scheduler = new Scheduler(id, store, clock, maxBytes, schedulerPeriod);
        this.startedAt = clock.millis();
        bindMetrics();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        c.start(new JobListener() {
            @Override
            public void onJob(Delivery delivery) {
                stats.received.incrementAndGet();
                inHand.put(delivery, Boolean.TRUE);
                router.route(WorkItem.fresh(new TrackedDelivery(delivery, inHand)));
            }

            @Override
            public void onControl(byte[] control) {
                runner.broadcast(control);
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

    private void bindMetrics() {
        metrics.outcome("received", stats, s -> s.received());
        metrics.outcome("succeeded", stats, s -> s.succeeded());
        metrics.outcome("failed", stats, s -> s.failed());
        metrics.outcome("rejected", stats, s -> s.rejected());
        metrics.outcome("retried", stats, s -> s.retried());
        metrics.outcome("timed-out", stats, s -> s.timedOut());
        metrics.outcome("cancelled", stats, s -> s.cancelled());
        metrics.outcome("dead-lettered", stats, s -> s.deadLettered());
        metrics.gauge("tasq.worker.jobs.running", "jobs running now", stats, s -> s.running());
        metrics.gauge("tasq.worker.jobs.held", "jobs the worker holds until their time", this, w -> w.held.size());
    }

    /** Tells the backend this worker is alive, and reads the queue's depth for the metrics. */
    private void heartbeat() {
        // nothing may escape: an executor stops a periodic task for good once it throws
        try {
            consumer.heartbeat(info());
            heartbeatFailed = false;
        } catch (RuntimeException | LinkageError e) {
            if (!heartbeatFailed) {
                LOG.warn("worker {} could not announce itself (it drops off the list of live workers until it can)",
                        id, e);
            }
            heartbeatFailed = true;
            return;
        }
        if (!backend.capabilities().contains(BackendCapability.DURABLE)) {
            return; // a brokerless queue's depth is in its clients: nothing to read here
        }
        try {
            backend.admin().ifPresent(a -> {
                io.tasq.spi.QueueStats q = a.stats();
                metrics.depth(q.waiting(), q.inFlight(), q.delayed(), q.deadLetters());
            });
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("worker {} could not read the queue's depth: {}", id, e.toString());
        }
    }

    /** Whether the last heartbeat failed, so that a failure is logged once, not every interval. */
    private volatile boolean heartbeatFailed;

    /** What this worker says about itself. */
    public io.tasq.spi.WorkerInfo info() {
        double[] run = metrics.runPercentilesMillis();
        return new io.tasq.spi.WorkerInfo(id, HOST, ProcessHandle.current().pid(), backend.describe(),
                workerType.label(), concurrency, startedAt, stats.succeeded(), stats.failed(), stats.rejected(),
                stats.running(), held == null ? 0 : held.size(), clock.millis(), heartbeatInterval.toMillis(), run[0],
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

    /** Sends a reply on the actor's own thread; like the responder, a failure is logged and the actor goes on. */
    private void respondHere(Reply reply) {
        try {
            respond(reply);
        } catch (RuntimeException e) {
            LOG.error("worker {} could not send the result of job {}", id, reply.result().jobId(), e);
        }
    }

    private void respond(Reply reply) {
        ResultEnvelope r = reply.result();
        ResultMessage message = new ResultMessage(r.replyTo(), r.jobId(), ResultCodec.encode(r));
        if (reply.refusal() == null) {
            reply.outcome().send(message);
        } else {
            reply.outcome().refuse(message, reply.refusal());
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
        heartbeats.shutdownNow();
        for (HeldJobs.Held h : held.stop()) {
            var env = h.job().job();
            ResultEnvelope r = new ResultEnvelope(env.jobId(), env.name(), env.replyTo(), id, ResultStatus.CANCELLED,
                    h.attempt(), h.run(), clock.millis(), 0, "", RemoteErrors.encode("io.tasq.WorkerStoppedException",
                            "worker " + id + " stopped before the job's delay ran out; submit it again"));
            replies.accept(new Reply(r, Outcome.held(consumer, held, h.job(), h.attempt()), null));
        }
        router.stop();
        try {
            if (!router.awaitStop(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("worker {}: {} job(s) still running after {}; interrupting them and handing them back",
                        id, router.load(), grace);
                inHand.keySet().forEach(Delivery::release);
                router.actors().forEach(a -> execution.interrupt(a.thread()));
                router.awaitStop(2, TimeUnit.SECONDS);
            }
            if (responder != null) {
                responder.stop();
                responder.awaitStop(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inHand.keySet().forEach(Delivery::release);
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
