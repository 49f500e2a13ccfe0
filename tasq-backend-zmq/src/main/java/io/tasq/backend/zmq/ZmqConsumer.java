package io.tasq.backend.zmq;

import io.tasq.BackendUnavailableException;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.ResultMessage;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The worker side: binds a PULL socket for jobs and a ROUTER socket for results, both owned by one
 * IO thread. Results are routed by client id (the DEALER identity), so each goes to the client that
 * sent the job, however many share the worker; a result for a client that is not connected is kept
 * for a while and delivered when it pings. The PULL socket is read only while fewer than
 * {@code prefetch} deliveries are unsettled. Copies of a job the client sent again are dropped.
 *
 * <p>Thread-safe: settling and publishing only queue work for the IO thread.
 */
final class ZmqConsumer implements JobConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqConsumer.class);
    private static final int SEEN_IDS = 200_000;
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

    private record Out(String replyTo, byte[] command, byte[] jobId, byte[] body) {
    }

    private record HeldResult(long at, Out out) {
    }

    private final ZmqSettings settings;
    private final ZmqSettings.Endpoint endpoint;
    private final ConsumerOptions options;
    private final String instanceId = UUID.randomUUID().toString();
    private final ZContext ctx;
    private final ZMQ.Socket pull;
    private final ZMQ.Socket router;
    private final Wakeup wakeup = new Wakeup();
    private final ConcurrentLinkedQueue<Out> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsettled = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private final int prefetch;
    private volatile boolean paused;
    private volatile boolean running = true;
    private Thread io;

    // owned by the IO thread
    private final Map<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > SEEN_IDS;
        }
    };
    private final Map<String, ArrayDeque<HeldResult>> held = new HashMap<>();
    private int heldCount;
    /** Refused and poison jobs, in memory (there is no broker to keep them), oldest first. */
    private final java.util.concurrent.ConcurrentLinkedDeque<DeadLetter> dead = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final AtomicInteger deadCount = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong deadIds = new java.util.concurrent.atomic.AtomicLong();
    private JobListener listener;
    private volatile io.tasq.spi.WorkerInfo lastHeartbeat;

    ZmqConsumer(ZmqSettings settings, ConsumerOptions options) {
        this.settings = settings;
        this.endpoint = settings.single("a worker listens on one address: start one worker for each host:port of "
                + "the pool, each with its own URL");
        this.options = options;
        this.prefetch = Math.max(MIN_PREFETCH, options.prefetch());
        this.ctx = new ZContext(1);
        try {
            pull = ctx.createSocket(SocketType.PULL);
            pull.setRcvHWM(10_000);
            pull.setLinger(0);
            pull.bind(endpoint.bindJobs());
            router = ctx.createSocket(SocketType.ROUTER);
            router.setRouterMandatory(true);
            router.setRouterHandover(true);
            router.setSndHWM(100_000);
            router.setLinger(2_000);
            router.bind(endpoint.bindResults());
        } catch (ZMQException e) {
            ctx.close();
            wakeup.close();
            throw new BackendUnavailableException("cannot listen on " + endpoint.bindJobs() + " and "
                    + endpoint.bindResults() + ": " + e.getMessage() + " (is another worker using these ports?)", e);
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
        outbox.add(new Out(result.replyTo(), Frames.RESULT, Frames.utf8(result.jobId()), result.body()));
        wakeup.signal();
    }

    @Override
    public void pause() {
        paused = true;
        wakeup.signal();
    }

    private void loop(JobListener listener) {
        this.listener = listener;
        try {
            ZMQ.Poller taking = ctx.createPoller(3);
            taking.register(router, ZMQ.Poller.POLLIN);
            taking.register(wakeup.source(), ZMQ.Poller.POLLIN);
            taking.register(pull, ZMQ.Poller.POLLIN);
            ZMQ.Poller full = ctx.createPoller(2);
            full.register(router, ZMQ.Poller.POLLIN);
            full.register(wakeup.source(), ZMQ.Poller.POLLIN);
            long nextSweep = System.currentTimeMillis() + 1_000;
            while (running) {
                try {
                    boolean worked = false;
                    for (Out o; (o = outbox.poll()) != null; ) {
                        deliver(o);
                        worked = true;
                    }
                    worked |= readControl() > 0;
                    if (!paused && unsettled.get() < prefetch) {
                        worked |= readJobs(listener) > 0;
                    }
                    long now = System.currentTimeMillis();
                    if (now >= nextSweep) {
                        expireHeld(now);
                        nextSweep = now + 1_000;
                    }
                    if (!worked) {
                        // nothing came or went on this turn: sleep until a socket, a result or a free slot wakes us
                        wakeup.park();
                        boolean canTake = !paused && unsettled.get() < prefetch;
                        boolean sleep = outbox.isEmpty() && running;
                        if (sleep) {
                            (canTake ? taking : full).poll(Math.max(1, Math.min(MAX_SLEEP_MILLIS, nextSweep - now)));
                        }
                        wakeup.unpark(sleep);
                    }
                } catch (RuntimeException e) {
                    // whatever one message did, the worker goes on serving everyone else
                    LOG.error("ZMQ worker on {}: an error in the IO loop, going on", describe(), e);
                    pause(100);
                }
            }
            for (Out o; (o = outbox.poll()) != null; ) {
                deliver(o); // results of the last jobs still go out; the sockets linger to send them
            }
        } catch (RuntimeException e) {
            LOG.error("ZMQ worker IO thread on {} failed", describe(), e);
        } finally {
            ctx.close();
            wakeup.close();
        }
    }

    /** Takes jobs off the socket, up to a batch and while slots are free; returns how many messages. */
    private int readJobs(JobListener listener) {
        int i = 0;
        for (; i < BATCH && unsettled.get() < prefetch; i++) {
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
                LOG.warn("dropped a malformed message on {}: not a job frame", describe());
                continue;
            }
            String id = job.jobId();
            if (seen.putIfAbsent(id, Boolean.TRUE) != null) {
                LOG.debug("dropped a second copy of job {}", id);
                continue;
            }
            unsettled.incrementAndGet();
            listener.onJob(new ZmqDelivery(id, job.attempt(), job.client(), job.envelope()));
        }
        return i;
    }

    /** Reads pings, control and operator requests, up to a batch; returns how many messages. */
    private int readControl() {
        int i = 0;
        for (; i < BATCH; i++) {
            byte[] identity = router.recv(ZMQ.DONTWAIT);
            if (identity == null) {
                return i;
            }
            byte[] command = router.hasReceiveMore() ? router.recv(0) : null;
            java.util.List<byte[]> args = new java.util.ArrayList<>();
            while (router.hasReceiveMore()) {
                byte[] frame = router.recv(0);
                if (args.size() < 10_000) {
                    args.add(frame);
                }
            }
            if (Frames.is(command, Frames.CONTROL) && args.size() == 1) {
                try {
                    listener.onControl(args.get(0));
                } catch (RuntimeException e) {
                    LOG.warn("a control message failed: {}", e.toString());
                }
            } else if (Frames.is(command, Frames.ADMIN) && args.size() >= 2) {
                admin(identity, args);
            } else if (Frames.is(command, Frames.PING)) {
                String client = Frames.string(identity);
                if (router.send(identity, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                    router.send(Frames.PONG, ZMQ.SNDMORE);
                    router.send(Frames.utf8(instanceId), 0);
                }
                flushHeld(client);
            }
        }
        return i;
    }

    /** Answers an operator's request about the dead letters ({@code tq dead}). */
    private void admin(byte[] identity, java.util.List<byte[]> args) {
        String op = Frames.string(args.get(1));
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 2; i < args.size(); i++) {
            ids.add(Frames.string(args.get(i)));
        }
        byte[] payload;
        switch (op) {
            case "count" -> payload = java.nio.ByteBuffer.allocate(8).putLong(deadCount.get()).array();
            case "workers" -> {
                io.tasq.spi.WorkerInfo me = lastHeartbeat;
                payload = me == null ? new byte[0] : me.toBytes();
            }
            case "stats" -> {
                io.tasq.spi.WorkerInfo me = lastHeartbeat;
                // jobs wait in their clients, not here: only what the worker holds is known
                payload = java.nio.ByteBuffer.allocate(32).putLong(-1).putLong(unsettled.get())
                        .putLong(me == null ? -1 : me.held()).putLong(deadCount.get()).array();
            }
            case "list" -> {
                int max = args.size() > 2 ? Frames.int32(args.get(2)) : 100;
                payload = DeadLetterCodec.encode(dead.stream().limit(Math.max(0, max)).toList());
            }
            case "retry", "purge" -> {
                int n = 0;
                for (java.util.Iterator<DeadLetter> it = dead.iterator(); it.hasNext(); ) {
                    DeadLetter d = it.next();
                    if (ids.isEmpty() || ids.contains(d.id())) {
                        it.remove();
                        deadCount.decrementAndGet();
                        n++;
                        if (op.equals("retry")) {
                            unsettled.incrementAndGet();
                            listener.onJob(new ZmqDelivery(d.jobId(), 1, clientOf(d), d.envelope()));
                        }
                    }
                }
                payload = Frames.int32(n);
            }
            default -> payload = new byte[0];
        }
        if (router.send(identity, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
            router.send(Frames.ADMIN_REPLY, ZMQ.SNDMORE);
            router.send(args.get(0), ZMQ.SNDMORE);
            router.send(payload, 0);
        }
    }

    private static String clientOf(DeadLetter d) {
        int bar = d.id().indexOf('|');
        return bar < 0 ? "" : d.id().substring(bar + 1);
    }

    private void bury(String jobId, String client, byte[] body, int attempt, String reason) {
        // ids unique across the workers of a pool: an operator's retry or purge goes to all of them
        dead.add(new DeadLetter(instanceId.substring(0, 8) + "-" + deadIds.incrementAndGet() + "|" + client, jobId, body, reason, attempt,
                System.currentTimeMillis()));
        if (deadCount.incrementAndGet() > settings.maxDeadLetters()) {
            dead.pollFirst();
            deadCount.decrementAndGet();
        }
    }

    @Override
    public void heartbeat(io.tasq.spi.WorkerInfo info) {
        lastHeartbeat = info;
    }

    @Override
    public void deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts) {
        bury(jobId, replyTo, envelope, attempts, reason);
    }

    /** Sends to the client, or keeps the message if the client is not connected. */
    private void deliver(Out o) {
        if (!sendNow(o)) {
            hold(o);
        }
    }

    private boolean sendNow(Out o) {
        try {
            if (!router.send(Frames.utf8(o.replyTo()), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return false; // its pipe is full (EAGAIN)
            }
        } catch (ZMQException e) {
            return false; // the client is not connected (EHOSTUNREACH): keep the result for when it is
        }
        if (o.body() == null) {
            router.send(o.command(), ZMQ.SNDMORE);
            router.send(o.jobId(), 0);
        } else {
            router.send(Frames.result(o.jobId(), o.body()), 0);
        }
        return true;
    }

    private void hold(Out o) {
        if (settings.maxHeldResults() == 0) {
            LOG.warn("dropped a result for client {}, which is not connected", o.replyTo());
            return;
        }
        ArrayDeque<HeldResult> q = held.computeIfAbsent(o.replyTo(), k -> new ArrayDeque<>());
        q.add(new HeldResult(System.currentTimeMillis(), o));
        if (++heldCount > settings.maxHeldResults()) {
            q.poll();
            heldCount--;
            LOG.warn("more than {} results wait for clients that are away; dropped the oldest for client {}",
                    settings.maxHeldResults(), o.replyTo());
        }
    }

    private void flushHeld(String client) {
        ArrayDeque<HeldResult> q = held.get(client);
        while (q != null && !q.isEmpty()) {
            if (!sendNow(q.peek().out())) {
                return;
            }
            q.poll();
            heldCount--;
        }
        held.remove(client);
    }

    private void expireHeld(long now) {
        long ttl = settings.resultTtl().toMillis();
        for (Iterator<Map.Entry<String, ArrayDeque<HeldResult>>> it = held.entrySet().iterator(); it.hasNext(); ) {
            ArrayDeque<HeldResult> q = it.next().getValue();
            while (!q.isEmpty() && now - q.peek().at() > ttl) {
                q.poll();
                heldCount--;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
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
        if (!running) {
            return;
        }
        running = false;
        wakeup.signal();
        if (io == null) {
            ctx.close();
            wakeup.close();
            return;
        }
        try {
            io.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One job taken from the PULL socket. */
    private final class ZmqDelivery implements Delivery {
        private final String jobId;
        private final int attempt;
        private final String client;
        private final byte[] body;
        private final AtomicBoolean settled = new AtomicBoolean();

        ZmqDelivery(String jobId, int attempt, String client, byte[] body) {
            this.jobId = jobId;
            this.attempt = attempt;
            this.client = client;
            this.body = body;
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        private boolean settle() {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            unsettled.decrementAndGet();
            return true;
        }

        @Override
        public void complete(ResultMessage result) {
            if (settle()) {
                outbox.add(new Out(result.replyTo(), Frames.RESULT, Frames.utf8(result.jobId()), result.body()));
                wakeup.signal();
            }
        }

        @Override
        public void ack() {
            if (settle()) {
                wakeup.signal();
            }
        }

        @Override
        public void release() {
            if (settle()) {
                // the client sends it again, to this worker or the next one it reaches
                outbox.add(new Out(client, Frames.RELEASED, Frames.utf8(jobId), null));
                wakeup.signal();
            }
        }

        @Override
        public void reject(String reason) {
            if (settle()) {
                bury(jobId, client, body, attempt, reason);
                wakeup.signal();
            }
        }
    }
}
