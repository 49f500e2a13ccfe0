package io.tasq.backend.zmq;

import io.tasq.ClientClosedException;
import io.tasq.backend.zmq.ZmqSettings.Endpoint;
import io.tasq.spi.Broadcast;
import io.tasq.spi.ClientPool;
import io.tasq.spi.Credentials;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.ResultListener;
import io.tasq.spi.Withdrawal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * The client side, over one worker or a pool of them, and its IO thread. Where each job goes, and
 * what happens to a worker's jobs when it goes away, is the {@link WorkerPool}'s business; the
 * sockets to the workers, and the protocol on them, are {@link PoolConnections}'. This class hands
 * callers' work to them and runs the loop that drives them: take what callers queued, ping the
 * workers, send backlogs, read what came, and sleep in a poll when there was nothing to do.
 *
 * <p>A worker drops copies of a job it already took, so one instance runs a job once; across workers
 * a job may run twice (at least once), and the client takes the first result.
 *
 * <p>Thread-safe. The pool and the sockets are guarded by one lock, which the IO thread holds
 * except while it polls. {@link #send} hands the job to its worker's connection on the caller's
 * thread when the lock is free, so a job costs no wake-up of the IO thread, and queues it for the IO
 * thread's turn when it is not, so a caller never waits for that turn; a push socket is touched
 * outside the IO thread only while the poller does not watch it (it watches it only while that
 * worker's backlog waits for room). Before the IO thread has set up its sockets, and for the
 * other calls, work is queued for the IO thread, which it does on its next turn.
 */
final class ZmqProducer implements JobProducer, Broadcast, Withdrawal, ClientPool {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqProducer.class);
    /** The longest the IO thread sleeps in a poll; see the worker's (ZmqConsumer) for why. */
    private static final long MAX_SLEEP_MILLIS = 100;

    private final ZmqSettings settings;
    private final String clientId;
    private final ResultListener listener;
    private final Credentials credentials;
    private final Wakeup wakeup = new Wakeup();
    private final ConcurrentLinkedQueue<PooledJob> outbox = new ConcurrentLinkedQueue<>();
    /** Work for the IO thread from other threads: broadcasts, withdrawals, workers added. */
    private final ConcurrentLinkedQueue<IoTask<?>> tasks = new ConcurrentLinkedQueue<>();
    private final Thread io;
    private volatile boolean running = true;
    /** Guards what follows; the IO thread holds it except while it polls. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Set once the IO thread has created the sockets: from then on callers send themselves. */
    private volatile boolean ready;

    // guarded by the lock
    private final WorkerPool pool;
    private PoolConnections connections;

    ZmqProducer(ZmqSettings settings, String clientId, ResultListener listener, Credentials credentials) {
        this.settings = settings;
        this.clientId = clientId;
        if (Frames.utf8(clientId).length > Frames.MAX_ID_BYTES) {
            throw new IllegalArgumentException("a client id longer than " + Frames.MAX_ID_BYTES + " bytes");
        }
        this.listener = listener;
        this.credentials = credentials;
        this.pool = new WorkerPool(clientId, new WorkerPicker(settings.routing(), b -> ThreadLocalRandom.current().nextInt(b)),
                settings.workerTimeout().toMillis(), Clock.systemUTC());
        this.io = new Thread(this::loop, "tasq-zmq-client-" + clientId);
        io.setDaemon(true);
        io.start();
    }

    @Override
    public CompletionStage<Void> send(OutboundJob job) {
        PooledJob o = new PooledJob(job);
        if (!running) {
            o.accepted.completeExceptionally(closed());
            return o.accepted;
        }
        if (ready && lock.tryLock()) {
            // the IO thread is polling (or between turns): send on this thread, after what it left queued
            try {
                if (running) {
                    for (PooledJob earlier; (earlier = outbox.poll()) != null; ) {
                        pool.accept(earlier);
                    }
                    pool.accept(o);
                    if (connections.flushUnwatched()) {
                        wakeup.signal(); // a pipe is full: the IO thread waits for room
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
            o.accepted.completeExceptionally(closed());
        }
        return o.accepted;
    }

    /**
     * A client of a brokerless pool reaches every worker at once ({@link Broadcast}), takes back jobs
     * still waiting in it ({@link Withdrawal}), and is told of its workers ({@link ClientPool}).
     */
    @Override
    public <F> java.util.Optional<F> feature(Class<F> type) {
        return type == Broadcast.class || type == Withdrawal.class || type == ClientPool.class
                ? java.util.Optional.of(type.cast(this)) : java.util.Optional.empty();
    }

    @Override
    public CompletionStage<Void> broadcast(byte[] control) {
        return onIoThread(() -> {
            connections.broadcast(control);
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> withdraw(String jobId) {
        return onIoThread(() -> pool.withdraw(jobId));
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
            if (!pool.contains(endpoint)) {
                connections.connect(endpoint);
                LOG.info("client {}: worker {} added to the pool", clientId, endpoint);
            }
            return null;
        });
    }

    private <T> CompletionStage<T> onIoThread(Supplier<T> work) {
        IoTask<T> task = new IoTask<>(work);
        if (!running) {
            task.done().completeExceptionally(closed());
            return task.done();
        }
        tasks.add(task);
        wakeup.signal();
        if (!running && tasks.remove(task)) { // closed meanwhile: the IO thread may never see it
            task.done().completeExceptionally(closed());
        }
        return task.done();
    }

    private static ClientClosedException closed() {
        return new ClientClosedException("the ZMQ connection is closed");
    }

    private void loop() {
        try (ZContext context = new ZContext(1)) {
            lock.lock();
            try {
                connections = new PoolConnections(context, settings, clientId, credentials, pool, listener, wakeup);
                ready = true;
            } finally {
                lock.unlock();
            }
            serve();
            failUnsettled();
        } catch (RuntimeException e) {
            LOG.error("ZMQ client {} IO thread failed", clientId, e);
        } finally {
            running = false;
            ready = false;
            wakeup.close();
            for (IoTask<?> t; (t = tasks.poll()) != null; ) {
                t.done().completeExceptionally(new ClientClosedException("the ZMQ connection closed"));
            }
            for (PooledJob o; (o = outbox.poll()) != null; ) {
                o.accepted.completeExceptionally(new ClientClosedException("the ZMQ connection closed"));
            }
        }
    }

    /** The IO loop, until the producer is closed: one turn takes, pings, sends and reads, or sleeps. */
    private void serve() {
        List<IoTask<?>> done = new ArrayList<>();
        long heartbeat = settings.heartbeat().toMillis();
        long nextPing = 0;
        while (running) {
            boolean sleep = false;
            long now = System.currentTimeMillis();
            lock.lock();
            try {
                boolean worked = false;
                for (PooledJob o; (o = outbox.poll()) != null; ) {
                    pool.accept(o);
                    worked = true;
                }
                for (IoTask<?> t; (t = tasks.poll()) != null; ) {
                    t.run();
                    done.add(t);
                    worked = true;
                }
                if (now >= nextPing) {
                    connections.heartbeat();
                    nextPing = now + heartbeat;
                }
                worked |= connections.flush() > 0;
                worked |= connections.read() > 0;
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
            done.forEach(IoTask::finish);
            done.clear();
            if (sleep) {
                try {
                    connections.poll(Math.max(1, Math.min(MAX_SLEEP_MILLIS, nextPing - now)));
                } catch (RuntimeException e) {
                    LOG.error("ZMQ client {}: polling failed, going on", clientId, e);
                    pause();
                }
            }
            wakeup.unpark(sleep);
        }
    }

    /** Fails the stages of the jobs still unsettled: the client is closed. */
    private void failUnsettled() {
        List<PooledJob> left;
        lock.lock();
        try {
            ready = false;
            left = pool.unsettled();
        } finally {
            lock.unlock();
        }
        for (PooledJob o : left) {
            o.accepted.completeExceptionally(new ClientClosedException("the ZMQ connection closed"));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException ie) {
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
        try {
            io.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
