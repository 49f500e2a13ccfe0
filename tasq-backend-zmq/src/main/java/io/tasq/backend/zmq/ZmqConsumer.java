package io.tasq.backend.zmq;

import io.tasq.BackendUnavailableException;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Credentials;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.WorkerInfo;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The worker side: binds a PULL socket for jobs and a ROUTER socket for results, both owned by one
 * IO thread. A result goes to the routing id that proved a trusted key for its client id
 * ({@link Peers}, {@link Handshake}), however many clients share the worker; a result for a client
 * that has no such routing id (away, or not proved yet) is kept for a while and delivered when it
 * has. The PULL socket is read only while fewer than {@code prefetch} deliveries are unsettled.
 *
 * <p>Nothing in a job frame decides anything: its envelope goes to the core, which verifies it; its
 * ids only label a dead letter or address a hand-back among peers that proved a key. Each socket
 * takes no message larger than the limit (ZMQ drops the sender's connection first). The IO thread
 * survives every message; if it dies all the same, the listener hears of it
 * ({@link JobListener#onTransportFailure}).
 *
 * <p>What deliveries come to (results, hand-backs, dead letters) is {@link Settlements}' business,
 * what the results port hears and sends is {@link ResultsPort}'s: this class binds the sockets and
 * runs the loop that drives them.
 *
 * <p>Thread-safe: settling and publishing only queue work for the IO thread.
 */
final class ZmqConsumer implements JobConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqConsumer.class);
    private static final int BATCH = 256;
    /**
     * The fewest jobs taken off the socket at once: a job waiting in the worker's mailbox costs no
     * more than one waiting in the socket, and there is no broker to give it to another worker.
     */
    private static final int MIN_PREFETCH = 1024;
    /**
     * The longest the IO thread sleeps in a poll. A ZMQ socket's descriptor signals changes, not
     * readiness, and a message that arrives on a connection still being set up may not signal at
     * all; every turn reads the sockets without waiting, so a turn at least this often bounds how
     * long such a message (an operator's request, a ping) waits. Costs an idle worker ten wake-ups a second.
     */
    private static final long MAX_SLEEP_MILLIS = 100;
    /**
     * Turns that fail one after the other before the IO loop gives up: one bad message costs one
     * turn, so a failure on every turn is a broken loop, and a worker must not idle with one.
     */
    private static final int MAX_FAILED_TURNS = 50;

    private final ZmqSettings.Endpoint endpoint;
    private final String instanceId = UUID.randomUUID().toString();
    private final ZContext ctx;
    private final ZMQ.Socket pull;
    private final ZMQ.Socket router;
    private final Wakeup wakeup = new Wakeup();
    private final AtomicBoolean started = new AtomicBoolean();
    private final int prefetch;
    private final Settlements settlements;
    private volatile boolean paused;
    private volatile boolean running = true;
    private volatile boolean closing;
    private volatile WorkerInfo lastHeartbeat;
    private Thread io;

    // owned by the IO thread
    private final ResultsPort results;
    private JobListener listener;

    ZmqConsumer(ZmqSettings settings, ConsumerOptions options, Credentials credentials) {
        this.endpoint = settings.single("a worker listens on one address: start one worker for each host:port of "
                + "the pool, each with its own URL");
        this.prefetch = Math.max(MIN_PREFETCH, options.prefetch());
        DeadLetterStore dead = new DeadLetterStore(settings.maxDeadLetters(), instanceId.substring(0, 8), describe());
        this.settlements = new Settlements(dead, wakeup, describe());
        WorkerAdmin admin = new WorkerAdmin(dead, () -> lastHeartbeat, settlements::unsettled, this::redeliver,
                settings.maxMessageBytes());
        this.ctx = new ZContext(1);
        try {
            pull = ctx.createSocket(SocketType.PULL);
            pull.setRcvHWM(10_000);
            pull.setLinger(0);
            pull.setMaxMsgSize(settings.maxMessageBytes());
            settings.curve().serve(pull);
            pull.bind(endpoint.bindJobs());
            router = ctx.createSocket(SocketType.ROUTER);
            router.setRouterMandatory(true);
            // a second connection with a routing id in use is ignored, never handed the first one's results
            router.setRouterHandover(false);
            router.setSndHWM(100_000);
            router.setLinger(2_000);
            router.setMaxMsgSize(Math.min(settings.maxMessageBytes(), ResultsPort.MAX_CONTROL_BYTES));
            settings.curve().serve(router);
            router.bind(endpoint.bindResults());
        } catch (ZMQException e) {
            ctx.close();
            wakeup.close();
            throw new BackendUnavailableException("cannot listen on " + endpoint.bindJobs() + " and "
                    + endpoint.bindResults() + ": " + e.getMessage() + " (is another worker using these ports?)", e);
        }
        this.results = new ResultsPort(router, new Peers(credentials, instanceId, settings.workerTimeout().toMillis()),
                new HeldResults(settings, describe(), Clock.systemUTC()), admin, instanceId, describe());
        if (settings.curve().serves()) {
            LOG.info("worker on {} encrypts its traffic with CURVE; its clients and operators need {}={}", describe(),
                    CurveKeys.SERVER_KEY, CurveKeys.publicOf(settings.curve().secretKey()));
        } else if (!endpoint.isLoopback()) {
            LOG.warn("worker on {} does not encrypt: jobs, results and operators' answers cross the network in clear "
                    + "(set {} on a network you do not control)", describe(), CurveKeys.SECRET_KEY);
        }
    }

    @Override
    public String describe() {
        return endpoint.bindJobs() + " (results on port " + endpoint.resultsPort() + ")";
    }

    @Override
    public void start(JobListener listener) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        io = new Thread(() -> loop(listener), "tasq-zmq-worker-" + endpoint.jobsPort());
        io.setDaemon(true);
        io.start();
    }

    @Override
    public void publish(ResultMessage result) {
        settlements.publish(result);
    }

    @Override
    public void pause() {
        paused = true;
        wakeup.signal();
    }

    private void loop(JobListener listener) {
        this.listener = listener;
        results.listener(listener);
        Throwable died = null;
        try {
            serve();
            // results of the last jobs still go out; the sockets linger to send them
            settlements.drainOutgoing(results::deliver);
        } catch (RuntimeException | Error e) {
            died = e;
        } finally {
            running = false;
            ctx.close();
            wakeup.close();
        }
        if (died != null && !closing) {
            LOG.error("ZMQ worker IO thread on {} died: this worker takes no more jobs", describe(), died);
            try {
                listener.onTransportFailure(died);
            } catch (RuntimeException e) {
                LOG.error("the worker failed to take note of its dead transport", e);
            }
        }
    }

    /**
     * The IO loop, until the consumer is closed. One turn sends what deliveries settled into, reads
     * the results port, takes jobs while slots are free, and sweeps once a second; a turn with
     * nothing to do sleeps in a poll, on the jobs socket too only while a slot is free.
     */
    private void serve() {
        ZMQ.Poller taking = ctx.createPoller(3);
        taking.register(router, ZMQ.Poller.POLLIN);
        taking.register(wakeup.source(), ZMQ.Poller.POLLIN);
        taking.register(pull, ZMQ.Poller.POLLIN);
        ZMQ.Poller full = ctx.createPoller(2);
        full.register(router, ZMQ.Poller.POLLIN);
        full.register(wakeup.source(), ZMQ.Poller.POLLIN);
        long nextSweep = System.currentTimeMillis() + 1_000;
        int failedTurns = 0;
        while (running) {
            try {
                boolean worked = settlements.drainOutgoing(results::deliver) > 0;
                worked |= results.read(BATCH) > 0;
                if (canTake()) {
                    worked |= readJobs() > 0;
                }
                long now = System.currentTimeMillis();
                if (now >= nextSweep) {
                    results.sweep(now);
                    nextSweep = now + 1_000;
                }
                if (!worked) {
                    // nothing came or went on this turn: sleep until a socket, a result or a free slot wakes us
                    wakeup.park();
                    boolean sleep = !settlements.hasOutgoing() && running;
                    if (sleep) {
                        (canTake() ? taking : full).poll(Math.max(1, Math.min(MAX_SLEEP_MILLIS, nextSweep - now)));
                    }
                    wakeup.unpark(sleep);
                }
                failedTurns = 0;
            } catch (RuntimeException e) {
                if (!running || fatal(e) || ++failedTurns >= MAX_FAILED_TURNS) {
                    throw e;
                }
                // whatever one message did, the worker goes on serving everyone else
                LOG.error("ZMQ worker on {}: an error in the IO loop, going on", describe(), e);
                pause(100);
            }
        }
    }

    private boolean canTake() {
        return !paused && settlements.unsettled() < prefetch;
    }

    /** Whether a failure means the sockets are gone for good (their context was terminated). */
    private static boolean fatal(RuntimeException e) {
        return e instanceof ZMQException z && z.getErrorCode() == ZMQ.Error.ETERM.getCode()
                || e instanceof java.nio.channels.ClosedSelectorException;
    }

    /** Takes jobs off the socket, up to a batch and while slots are free; returns how many messages. */
    private int readJobs() {
        int i = 0;
        for (; i < BATCH && settlements.unsettled() < prefetch; i++) {
            byte[] frame = pull.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                return i;
            }
            boolean extra = false;
            while (pull.hasReceiveMore()) {
                pull.recv(0);
                extra = true;
            }
            Frames.Job job = extra ? null : Frames.job(frame);
            if (job == null) {
                settlements.refuseMalformed(frame);
                continue;
            }
            // no dedupe here: the job id in the frame is unverified; the core drops copies once it verified them
            listener.onJob(settlements.take(job));
        }
        return i;
    }

    /** An operator's retry: the dead letter comes back as a new delivery, attempt 1. */
    private void redeliver(DeadLetter d) {
        listener.onJob(settlements.take(d));
    }

    @Override
    public void heartbeat(WorkerInfo info) {
        lastHeartbeat = info;
    }

    @Override
    public void deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts) {
        settlements.deadLetter(jobId, replyTo, envelope, attempts, reason);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        running = false;
        wakeup.signal();
        if (io == null) {
            ctx.close();
            wakeup.close();
            return;
        }
        if (Thread.currentThread() != io) { // the IO thread itself may close it, from onTransportFailure
            try {
                io.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
