package io.tasq.backend.zmq;

import io.tasq.ClientClosedException;
import io.tasq.backend.zmq.ZmqSettings.Endpoint;
import io.tasq.spi.Credentials;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.ResultListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The client side, over one worker or a pool of them: for each worker a PUSH socket for jobs and a
 * DEALER socket for results and pings, all owned by one IO thread. The DEALER's routing id is
 * random, and it proves this client's key to the worker ({@link Handshake}) when the worker
 * challenges it: a worker sends results only to a routing id that did.
 *
 * <p>A worker is <em>up</em> from its first pong until it is silent for {@code zmq.worker-timeout}.
 * Each job goes to one worker that is up, picked by the {@link ZmqSettings.Routing routing}; with
 * none up it waits in the client. A job stays unsettled until its result arrives, and is sent again,
 * with its attempt raised, to a worker picked afresh when its worker is taken out (silent), restarts
 * (a new instance id in its pong: the old one's jobs are gone) or hands it back (stopping). A
 * worker drops copies of a job it already took, so one instance runs a job once; across workers a
 * job may run twice (at least once), and the client takes the first result.
 *
 * <p>Thread-safe. The state and the sockets are guarded by one lock, which the IO thread holds
 * except while it polls. {@link #send} hands the job to its worker's connection on the caller's
 * thread when the lock is free, so a job costs no wake-up of the IO thread, and queues it for the IO
 * thread's turn when it is not, so a caller never waits for that turn; a push socket is touched
 * outside the IO thread only while the poller does not watch it (it watches it only while that
 * worker's backlog waits for room). Before the IO thread has set up its sockets, and for the
 * other calls, work is queued for the IO thread, which it does on its next turn.
 */
final class ZmqProducer implements JobProducer {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqProducer.class);
    /** The most messages read from one worker on one turn, so the others and the outbox get their turn too. */
    private static final int BATCH = 256;
    /** The longest the IO thread sleeps in a poll; see the worker's (ZmqConsumer) for why. */
    private static final long MAX_SLEEP_MILLIS = 100;

    private static final class Outgoing {
        final OutboundJob job;
        final byte[] jobId;
        final CompletableFuture<Void> accepted = new CompletableFuture<>();
        /** How many times it was handed to a worker's connection: the attempt number of the last send. */
        int sends;
        /** The worker it is assigned to, queued or sent; null while it waits for one. */
        Link link;
        /** Whether it is in its worker's backlog, not yet handed to the connection. */
        boolean queued;
        boolean settled;

        Outgoing(OutboundJob job) {
            this.job = job;
            this.jobId = Frames.utf8(job.jobId());
        }
    }

    /** One worker of the pool, and what this client knows of it. Owned by the IO thread. */
    private static final class Link {
        final Endpoint endpoint;
        final ZMQ.Socket push;
        /** Replaced, with a new routing id, when the worker is taken out (see {@link #renew}). */
        ZMQ.Socket dealer;
        byte[] routingId;
        /** Jobs assigned to it and not yet handed to its connection, in order. */
        final ArrayDeque<Outgoing> backlog = new ArrayDeque<>();
        /** Jobs assigned to it and not settled, queued or sent: what least-pending counts. */
        int pending;
        String instance;
        long lastPong;
        boolean up;
        /** It handed a job back: it is stopping, so it gets no new jobs until it restarts or is taken out. */
        boolean draining;
        boolean watchingOut;
        /** The worker refused this client's hello; logged once until it accepts one. */
        boolean refused;

        Link(Endpoint endpoint, ZMQ.Socket push) {
            this.endpoint = endpoint;
            this.push = push;
        }

        boolean eligible() {
            return up && !draining;
        }
    }

    private final ZmqSettings settings;
    private final String clientId;
    private final byte[] clientIdBytes;
    private final ResultListener listener;
    private final Credentials credentials;
    /** This client's CURVE key pair, when it encrypts. */
    private final ZMQ.Curve.KeyPair curveKeys;
    private final Wakeup wakeup = new Wakeup();
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    /** Work for the IO thread from other threads: broadcasts, withdrawals, workers added. */
    private final ConcurrentLinkedQueue<Task<?>> tasks = new ConcurrentLinkedQueue<>();
    private final Thread io;
    private volatile boolean running = true;
    /** Guards what follows and the sockets; the IO thread holds it except while it polls. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Set once the IO thread has created the sockets: from then on callers send themselves. */
    private volatile boolean ready;

    // guarded by the lock
    private ZContext ctx;
    private ZMQ.Poller poller;
    private final List<Link> links = new ArrayList<>();
    private final Map<String, Outgoing> unsettled = new LinkedHashMap<>();
    /** Jobs waiting for any worker to be up. */
    private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    private int cursor;

    ZmqProducer(ZmqSettings settings, String clientId, ResultListener listener, Credentials credentials) {
        this.settings = settings;
        this.clientId = clientId;
        this.clientIdBytes = Frames.utf8(clientId);
        if (clientIdBytes.length > Frames.MAX_ID_BYTES) {
            throw new IllegalArgumentException("a client id longer than " + Frames.MAX_ID_BYTES + " bytes");
        }
        this.listener = listener;
        this.credentials = credentials;
        this.curveKeys = settings.curve().ownKeys();
        this.io = new Thread(this::loop, "tasq-zmq-client-" + clientId);
        io.setDaemon(true);
        io.start();
    }

    @Override
    public CompletionStage<Void> send(OutboundJob job) {
        Outgoing o = new Outgoing(job);
        if (!running) {
            o.accepted.completeExceptionally(new ClientClosedException("the ZMQ connection is closed"));
            return o.accepted;
        }
        if (ready && lock.tryLock()) {
            // the IO thread is polling (or between turns): send on this thread, after what it left queued
            try {
                if (running) {
                    for (Outgoing earlier; (earlier = outbox.poll()) != null; ) {
                        accept(earlier);
                    }
                    accept(o);
                    for (Link l : links) {
                        if (!l.watchingOut) {
                            flush(l);
                            if (!l.backlog.isEmpty()) {
                                wakeup.signal(); // its pipe is full: the IO thread waits for room
                            }
                        }
                    }
                    return o.accepted;
                }
            } finally {
                lock.unlock();
            }
        }
        // the IO thread is on its turn: it takes the job on this turn or the next
        outbox.add(o);
        wakeup.signal();
        if (!running && outbox.remove(o)) { // closed meanwhile: the IO thread may never see it
            o.accepted.completeExceptionally(new ClientClosedException("the ZMQ connection is closed"));
        }
        return o.accepted;
    }

    /** Takes a job in: unsettled until its result comes, and assigned to a worker or waiting for one. */
    private void accept(Outgoing o) {
        unsettled.put(o.job.jobId(), o);
        route(o);
    }

    @Override
    public CompletionStage<Void> broadcast(byte[] control) {
        return onIoThread(() -> {
            for (Link l : links) {
                if (l.dealer.send(Frames.CONTROL, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                    l.dealer.send(control, 0);
                }
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> withdraw(String jobId) {
        return onIoThread(() -> {
            Outgoing o = unsettled.get(jobId);
            boolean neverSent = o != null && o.sends == 0;
            if (neverSent) {
                settle(unsettled.remove(jobId)); // the queue it waits in skips it
            }
            return neverSent;
        });
    }

    /**
     * Adds a worker to the pool: it gets jobs from its first pong on.
     *
     * @param address {@code zmq://host:port[?results-port=P]} or {@code host:port}
     */
    @Override
    public CompletionStage<Void> addWorker(String address) {
        Endpoint endpoint = ZmqSettings.parseEndpoint(address);
        return onIoThread(() -> {
            if (links.stream().noneMatch(l -> l.endpoint.equals(endpoint))) {
                connect(endpoint);
                LOG.info("client {}: worker {} added to the pool", clientId, endpoint);
            }
            return null;
        });
    }

    /** Work for the IO thread, and the stage its caller waits on; completed after the lock is let go. */
    private static final class Task<T> {
        private final Supplier<T> work;
        private final CompletableFuture<T> done = new CompletableFuture<>();
        private T value;
        private RuntimeException failure;

        Task(Supplier<T> work) {
            this.work = work;
        }

        CompletableFuture<T> done() {
            return done;
        }

        void run() {
            try {
                value = work.get();
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        void finish() {
            if (failure == null) {
                done.complete(value);
            } else {
                done.completeExceptionally(failure);
            }
        }
    }

    private <T> CompletionStage<T> onIoThread(Supplier<T> work) {
        Task<T> task = new Task<>(work);
        if (!running) {
            task.done().completeExceptionally(new ClientClosedException("the ZMQ connection is closed"));
            return task.done();
        }
        tasks.add(task);
        wakeup.signal();
        if (!running && tasks.remove(task)) { // closed meanwhile: the IO thread may never see it
            task.done().completeExceptionally(new ClientClosedException("the ZMQ connection is closed"));
        }
        return task.done();
    }

    private void connect(Endpoint endpoint) {
        ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
        push.setImmediate(true);
        push.setSndHWM(100_000);
        push.setLinger(0);
        push.setHandshakeIvl(Handshake.ZMQ_HANDSHAKE_MILLIS);
        settings.curve().connect(push, curveKeys);
        push.connect(endpoint.connectJobs());
        Link link = new Link(endpoint, push);
        links.add(link);
        openDealer(link);
    }

    /** Connects the link's DEALER, with a routing id of its own, and pings (the worker's answer challenges it). */
    private void openDealer(Link link) {
        ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
        link.routingId = Handshake.routingId();
        dealer.setIdentity(link.routingId);
        dealer.setLinger(0);
        dealer.setRcvHWM(0);
        dealer.setMaxMsgSize(settings.maxMessageBytes());
        dealer.setHandshakeIvl(Handshake.ZMQ_HANDSHAKE_MILLIS);
        settings.curve().connect(dealer, curveKeys);
        dealer.connect(link.endpoint.connectResults());
        link.dealer = dealer;
        poller.register(dealer, ZMQ.Poller.POLLIN);
        if (dealer.send(Frames.PING, ZMQ.DONTWAIT)) {
            LOG.trace("client {}: pinged {}", clientId, link.endpoint);
        }
    }

    /**
     * Replaces the DEALER of a worker taken out by a new one, with a new routing id. The worker's
     * ROUTER ignores a connection whose routing id it still holds (no handover: nobody can take over
     * another's), so one that never noticed the old connection die would ignore this client's
     * reconnection under the same id for as long as it keeps the dead one.
     */
    private void renew(Link link) {
        poller.unregister(link.dealer);
        link.dealer.close();
        openDealer(link);
    }

    private void loop() {
        List<Task<?>> done = new ArrayList<>();
        try (ZContext context = new ZContext(1)) {
            long heartbeat = settings.heartbeat().toMillis();
            long nextPing = 0;
            lock.lock();
            try {
                ctx = context;
                poller = ctx.createPoller(1 + 2 * settings.endpoints().size());
                poller.register(wakeup.source(), ZMQ.Poller.POLLIN);
                for (Endpoint e : settings.endpoints()) {
                    connect(e);
                }
                ready = true;
            } finally {
                lock.unlock();
            }
            while (running) {
                boolean sleep = false;
                long now = System.currentTimeMillis();
                lock.lock();
                try {
                    boolean worked = false;
                    for (Outgoing o; (o = outbox.poll()) != null; ) {
                        accept(o);
                        worked = true;
                    }
                    for (Task<?> t; (t = tasks.poll()) != null; ) {
                        t.run();
                        done.add(t);
                        worked = true;
                    }
                    if (now >= nextPing) {
                        for (Link l : links) {
                            l.dealer.send(Frames.PING, ZMQ.DONTWAIT);
                            checkLink(l, now);
                        }
                        nextPing = now + heartbeat;
                    }
                    for (Link l : links) {
                        worked |= flush(l) > 0;
                        // wait for writability only while a worker is up to take its backlog
                        watchOut(l, l.up && !l.backlog.isEmpty());
                    }
                    for (int i = 0; i < links.size(); i++) {
                        worked |= readResults(links.get(i)) > 0;
                    }
                    if (!worked) {
                        // nothing came or went on this turn: sleep until a socket or a caller wakes us
                        wakeup.park();
                        sleep = outbox.isEmpty() && tasks.isEmpty() && running;
                    }
                } catch (RuntimeException e) {
                    LOG.error("ZMQ client {}: an error in the IO loop, going on", clientId, e);
                    pause();
                } finally {
                    lock.unlock();
                }
                // callers' stages complete outside the lock: what they chain may call back in
                done.forEach(Task::finish);
                done.clear();
                if (sleep) {
                    try {
                        poller.poll(Math.max(1, Math.min(MAX_SLEEP_MILLIS, nextPing - now)));
                    } catch (RuntimeException e) {
                        LOG.error("ZMQ client {}: polling failed, going on", clientId, e);
                        pause();
                    }
                }
                wakeup.unpark(sleep);
            }
            List<Outgoing> left;
            lock.lock();
            try {
                ready = false;
                left = new ArrayList<>(unsettled.values());
            } finally {
                lock.unlock();
            }
            for (Outgoing o : left) {
                o.accepted.completeExceptionally(new ClientClosedException("the ZMQ connection closed"));
            }
        } catch (RuntimeException e) {
            LOG.error("ZMQ client {} IO thread failed", clientId, e);
        } finally {
            running = false;
            ready = false;
            wakeup.close();
            for (Task<?> t; (t = tasks.poll()) != null; ) {
                t.done().completeExceptionally(new ClientClosedException("the ZMQ connection closed"));
            }
            for (Outgoing o; (o = outbox.poll()) != null; ) {
                o.accepted.completeExceptionally(new ClientClosedException("the ZMQ connection closed"));
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void watchOut(Link l, boolean watch) {
        if (watch != l.watchingOut) {
            if (watch) {
                poller.register(l.push, ZMQ.Poller.POLLOUT);
            } else {
                poller.unregister(l.push);
            }
            l.watchingOut = watch;
        }
    }

    /** Assigns a job to a worker that is up, or keeps it waiting for one. */
    private void route(Outgoing o) {
        Link l = pick();
        if (l == null) {
            o.link = null;
            waiting.add(o);
        } else {
            assign(o, l);
        }
    }

    private static void assign(Outgoing o, Link l) {
        o.link = l;
        o.queued = true;
        l.pending++;
        l.backlog.add(o);
    }

    private Link pick() {
        int n = links.size();
        if (n == 1) {
            Link only = links.get(0);
            return only.eligible() ? only : null;
        }
        int start = Math.floorMod(cursor++, Math.max(1, n));
        switch (settings.routing()) {
            case ROUND_ROBIN -> {
                for (int i = 0; i < n; i++) {
                    Link l = links.get((start + i) % n);
                    if (l.eligible()) {
                        cursor = start + i + 1;
                        return l;
                    }
                }
                return null;
            }
            case RANDOM -> {
                int eligible = (int) links.stream().filter(Link::eligible).count();
                if (eligible == 0) {
                    return null;
                }
                int k = ThreadLocalRandom.current().nextInt(eligible);
                for (Link l : links) {
                    if (l.eligible() && k-- == 0) {
                        return l;
                    }
                }
                return null;
            }
            default -> { // LEAST_PENDING, ties broken in turn
                Link best = null;
                for (int i = 0; i < n; i++) {
                    Link l = links.get((start + i) % n);
                    if (l.eligible() && (best == null || l.pending < best.pending)) {
                        best = l;
                    }
                }
                return best;
            }
        }
    }

    /** Takes a job off the worker it was assigned to; the caller routes it again or drops it. */
    private static void unassign(Outgoing o) {
        if (o.link != null) {
            o.link.pending--;
            o.link = null;
        }
        o.queued = false;
    }

    private static void settle(Outgoing o) {
        if (o != null) {
            unassign(o);
            o.settled = true;
        }
    }

    /** Routes again every job assigned to this worker that matches, in submission order. */
    private int reroute(Link from, boolean sentOnly) {
        List<Outgoing> moved = new ArrayList<>();
        for (Outgoing o : unsettled.values()) {
            if (o.link == from && (!sentOnly || !o.queued)) {
                moved.add(o);
            }
        }
        if (!sentOnly) {
            from.backlog.clear();
        }
        for (Outgoing o : moved) {
            unassign(o);
        }
        for (Outgoing o : moved) {
            route(o);
        }
        return moved.size();
    }

    private void drainWaiting() {
        while (!waiting.isEmpty()) {
            Outgoing o = waiting.peek();
            if (o.settled || o.link != null) {
                waiting.poll();
                continue;
            }
            Link l = pick();
            if (l == null) {
                return;
            }
            waiting.poll();
            assign(o, l);
        }
    }

    /** Hands the worker's backlog to its connection, as far as its pipe takes it; returns how many went. */
    private int flush(Link l) {
        if (!l.up) {
            return 0;
        }
        int sent = 0;
        ArrayDeque<Outgoing> backlog = l.backlog;
        while (!backlog.isEmpty()) {
            Outgoing o = backlog.peek();
            if (o.settled || o.link != l || !o.queued) { // settled or moved while waiting
                backlog.poll();
                continue;
            }
            if (!l.push.send(Frames.job(o.jobId, o.sends + 1, clientIdBytes, o.job.body()), ZMQ.DONTWAIT)) {
                return sent; // its pipe is full: try again when it is writable
            }
            o.sends++;
            backlog.poll();
            o.queued = false;
            o.accepted.complete(null);
            sent++;
        }
        return sent;
    }

    /** Reads what the worker sent, up to a batch; returns how many messages. */
    private int readResults(Link l) {
        byte[] command;
        int read = 0;
        while (read < BATCH && (command = l.dealer.recv(ZMQ.DONTWAIT)) != null) {
            read++;
            byte[][] rest = rest(l.dealer);
            Frames.Result result = rest.length == 0 ? Frames.result(command) : null;
            if (result != null) {
                settle(unsettled.remove(result.jobId()));
                try {
                    listener.onResult(result.envelope());
                } catch (RuntimeException e) {
                    LOG.error("result listener of client {} failed", clientId, e);
                }
            } else if (Frames.is(command, Frames.PONG) && rest.length == 1) {
                pong(l, Frames.string(rest[0]));
                if (l.refused) {
                    l.refused = false;
                    LOG.info("client {}: the worker at {} accepts its key now", clientId, l.endpoint);
                }
            } else if (Frames.is(command, Frames.CHALLENGE) && rest.length == 2) {
                // the worker is up, but sends this client nothing until it proves its key
                String instance = Frames.string(rest[0]);
                pong(l, instance);
                Handshake.send(l.dealer, Handshake.hello(credentials, clientId, l.routingId, rest[1], instance));
            } else if (Frames.is(command, Frames.REFUSED)) {
                if (!l.refused) {
                    l.refused = true;
                    LOG.error("client {}: the worker at {} refused its hello: this client {}; the worker runs its "
                            + "jobs if it trusts them but sends it no results. Set TASQ_SIGN_KEY (or sign.key / "
                            + "sign.private-key) to a key the worker trusts", clientId, l.endpoint,
                            credentials.signer().isPresent() ? "signs with a key the worker does not trust"
                                    : "holds no key to sign with");
                }
            } else if (Frames.is(command, Frames.RELEASED) && rest.length == 1) {
                handedBack(l, Frames.string(rest[0]));
            } else {
                LOG.warn("client {} dropped an unknown message from the worker at {}", clientId, l.endpoint);
            }
        }
        return read;
    }

    private static byte[][] rest(ZMQ.Socket socket) {
        List<byte[]> frames = new ArrayList<>(2);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames.toArray(new byte[0][]);
    }

    private void pong(Link l, String instance) {
        l.lastPong = System.currentTimeMillis();
        boolean restarted = l.instance != null && !l.instance.equals(instance);
        boolean cameUp = !l.up;
        l.instance = instance;
        l.up = true;
        if (restarted) {
            l.draining = false;
            int n = reroute(l, true);
            LOG.info("client {}: worker at {} restarted; sending {} unfinished job(s) again", clientId, l.endpoint, n);
        } else if (cameUp) {
            LOG.debug("client {}: worker at {} is up", clientId, l.endpoint);
        }
        if (restarted || cameUp) {
            drainWaiting();
        }
    }

    /** The worker is stopping and did not run this job: it goes to another worker (or this one's next instance). */
    private void handedBack(Link l, String jobId) {
        Outgoing o = unsettled.get(jobId);
        if (o != null && o.link == l && !o.queued) {
            // only a job this client sent there says the worker is stopping: its id is in a frame the
            // worker never verified, so any other id says nothing
            l.draining = true;
            unassign(o);
            route(o);
        }
        LOG.debug("client {}: job {} handed back by the worker at {}", clientId, jobId, l.endpoint);
    }

    private void checkLink(Link l, long now) {
        if (l.up && now - l.lastPong > settings.workerTimeout().toMillis()) {
            l.up = false;
            l.draining = false;
            int n = reroute(l, false);
            renew(l);
            LOG.warn("client {}: no answer from the worker at {} for {} ms; it is taken out, and its {} unfinished "
                    + "job(s) go to {}", clientId, l.endpoint, now - l.lastPong, n,
                    links.stream().anyMatch(Link::eligible) ? "the other workers" : "the first worker up");
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        wakeup.signal();
        try {
            io.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
