package io.tasq.backend.zmq;

import io.tasq.ClientClosedException;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.ResultListener;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The client side: a PUSH socket for jobs and a DEALER socket (identity = client id) for results,
 * both owned by one IO thread. Jobs wait in a backlog until a worker is connected, then go in
 * order. Every job stays "unsettled" until its result arrives; when the worker restarts (a new
 * instance id in its pong) or comes back after being lost, the unsettled jobs are sent again, and
 * the worker drops the copies it already has.
 *
 * <p>Thread-safe: {@link #send} only queues and wakes the IO thread.
 */
final class ZmqProducer implements JobProducer {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqProducer.class);

    private static final class Outgoing {
        final OutboundJob job;
        final byte[] jobId;
        final CompletableFuture<Void> accepted = new CompletableFuture<>();
        /** How many times it was handed to a worker's connection: the attempt number of the last send. */
        int sends;
        boolean queued;

        Outgoing(OutboundJob job) {
            this.job = job;
            this.jobId = Frames.utf8(job.jobId());
        }
    }

    private final ZmqSettings settings;
    private final String clientId;
    private final byte[] clientIdBytes;
    private final ResultListener listener;
    private final Wakeup wakeup = new Wakeup();
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    /** Work for the IO thread from other threads: broadcasts, withdrawals. */
    private final ConcurrentLinkedQueue<java.util.function.Consumer<ZMQ.Socket>> tasks = new ConcurrentLinkedQueue<>();
    private final Thread io;
    private volatile boolean running = true;

    // owned by the IO thread
    private final Map<String, Outgoing> unsettled = new LinkedHashMap<>();
    private final ArrayDeque<Outgoing> backlog = new ArrayDeque<>();
    private String workerInstance;
    private long lastPong;
    private boolean lost = true;

    ZmqProducer(ZmqSettings settings, String clientId, ResultListener listener) {
        this.settings = settings;
        this.clientId = clientId;
        this.clientIdBytes = Frames.utf8(clientId);
        this.listener = listener;
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
        outbox.add(o);
        wakeup.signal();
        return o.accepted;
    }

    @Override
    public CompletionStage<Void> broadcast(byte[] control) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        tasks.add(dealer -> {
            dealer.send(Frames.CONTROL, ZMQ.SNDMORE);
            dealer.send(control, 0);
            sent.complete(null);
        });
        wakeup.signal();
        return sent;
    }

    @Override
    public CompletionStage<Boolean> withdraw(String jobId) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        tasks.add(dealer -> {
            Outgoing o = unsettled.get(jobId);
            boolean neverSent = o != null && o.sends == 0;
            if (neverSent) {
                unsettled.remove(jobId);
                o.queued = false; // flush skips it
            }
            done.complete(neverSent);
        });
        wakeup.signal();
        return done;
    }

    private void loop() {
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
            push.setImmediate(true); // queue only towards a connected worker; the backlog holds the rest
            push.setSndHWM(100_000);
            push.setLinger(0);
            push.connect(settings.connectJobs());
            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setIdentity(clientIdBytes);
            dealer.setLinger(0);
            dealer.setRcvHWM(0);
            dealer.connect(settings.connectResults());
            ZMQ.Poller idle = ctx.createPoller(2);
            idle.register(dealer, ZMQ.Poller.POLLIN);
            idle.register(wakeup.source(), ZMQ.Poller.POLLIN);
            ZMQ.Poller writing = ctx.createPoller(3);
            writing.register(dealer, ZMQ.Poller.POLLIN);
            writing.register(wakeup.source(), ZMQ.Poller.POLLIN);
            writing.register(push, ZMQ.Poller.POLLOUT);
            long heartbeat = settings.heartbeat().toMillis();
            long nextPing = 0;
            while (running) {
                try {
                    wakeup.drain();
                    for (Outgoing o; (o = outbox.poll()) != null; ) {
                        unsettled.put(o.job.jobId(), o);
                        o.queued = true;
                        backlog.add(o);
                    }
                    for (java.util.function.Consumer<ZMQ.Socket> t; (t = tasks.poll()) != null; ) {
                        t.accept(dealer);
                    }
                    flush(push);
                    long now = System.currentTimeMillis();
                    if (now >= nextPing) {
                        dealer.send(Frames.PING, ZMQ.DONTWAIT);
                        nextPing = now + heartbeat;
                        checkWorker(now);
                    }
                    // wait for writability only while a worker is there to take the backlog
                    ZMQ.Poller poller = backlog.isEmpty() || lost ? idle : writing;
                    poller.poll(Math.max(1, nextPing - now));
                    readResults(dealer);
                } catch (RuntimeException e) {
                    LOG.error("ZMQ client {}: an error in the IO loop, going on", clientId, e);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            for (Outgoing o : unsettled.values()) {
                o.accepted.completeExceptionally(new ClientClosedException("the ZMQ connection closed"));
            }
        } catch (RuntimeException e) {
            LOG.error("ZMQ client {} IO thread failed", clientId, e);
        } finally {
            running = false;
            wakeup.close();
        }
    }

    private void flush(ZMQ.Socket push) {
        while (!backlog.isEmpty()) {
            Outgoing o = backlog.peek();
            if (!o.queued) { // settled while waiting
                backlog.poll();
                continue;
            }
            if (!push.send(o.jobId, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return; // no worker connected, or its pipe is full: try again later
            }
            o.sends++;
            push.send(Frames.int32(o.sends), ZMQ.SNDMORE);
            push.send(clientIdBytes, ZMQ.SNDMORE);
            push.send(o.job.body(), 0);
            o.queued = false;
            backlog.poll();
            o.accepted.complete(null);
        }
    }

    private void readResults(ZMQ.Socket dealer) {
        byte[] command;
        while ((command = dealer.recv(ZMQ.DONTWAIT)) != null) {
            byte[][] rest = rest(dealer);
            if (Frames.is(command, Frames.RESULT) && rest.length == 2) {
                Outgoing o = unsettled.remove(Frames.string(rest[0]));
                if (o != null) {
                    o.queued = false;
                }
                try {
                    listener.onResult(rest[1]);
                } catch (RuntimeException e) {
                    LOG.error("result listener of client {} failed", clientId, e);
                }
            } else if (Frames.is(command, Frames.PONG) && rest.length == 1) {
                pong(Frames.string(rest[0]));
            } else if (Frames.is(command, Frames.RELEASED) && rest.length == 1) {
                // the worker is stopping and did not run it: it stays unsettled, and goes again to the
                // next worker instance that answers (not back into this one's closing socket)
                LOG.debug("client {}: job {} handed back by its worker", clientId, Frames.string(rest[0]));
            } else {
                LOG.warn("client {} dropped an unknown message from its worker", clientId);
            }
        }
    }

    private static byte[][] rest(ZMQ.Socket socket) {
        byte[][] frames = new byte[0][];
        while (socket.hasReceiveMore()) {
            byte[][] more = new byte[frames.length + 1][];
            System.arraycopy(frames, 0, more, 0, frames.length);
            more[frames.length] = socket.recv(0);
            frames = more;
        }
        return frames;
    }

    private void pong(String instance) {
        lastPong = System.currentTimeMillis();
        boolean restarted = workerInstance != null && !workerInstance.equals(instance);
        boolean back = lost && workerInstance != null;
        if (restarted || back) {
            int n = resendUnsettled();
            LOG.info("client {}: worker at {} {}; sending {} unfinished job(s) again", clientId,
                    settings.connectJobs(), restarted ? "restarted" : "is back", n);
        }
        workerInstance = instance;
        lost = false;
    }

    private int resendUnsettled() {
        int n = 0;
        for (Outgoing o : unsettled.values()) {
            if (!o.queued) {
                o.queued = true;
                backlog.add(o);
                n++;
            }
        }
        return n;
    }

    private void checkWorker(long now) {
        if (!lost && workerInstance != null && now - lastPong > settings.workerTimeout().toMillis()) {
            lost = true;
            LOG.warn("client {}: no answer from the worker at {} for {} ms; {} job(s) wait for it", clientId,
                    settings.connectJobs(), now - lastPong, unsettled.size());
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
