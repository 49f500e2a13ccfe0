package io.tasq.backend.redis;

import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Features;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.ReplayGuard;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.UniqueLocks;
import io.tasq.spi.WorkerInfo;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The worker side. A reader thread fills the free slots of the prefetch, on a connection of its
 * own: first with entries whose worker was lost ({@link Reclaimer}), then with new ones
 * ({@code XREADGROUP}, consumer = the worker id). An {@link Upkeep} thread moves due delayed jobs
 * into the stream, keeps the entries in hand from looking abandoned and forgets consumers that
 * left; a {@link Settler} writes settlements in batches. An entry stays pending in Redis from its
 * delivery until its settlement is written, so a worker that dies loses nothing. The queue's
 * repeating jobs are kept in Redis too ({@link RedisScheduleStore}), for the worker's scheduler,
 * and so are its heartbeats ({@link Heartbeats}), for operators, and its memory of jobs taken
 * ({@link RedisReplayGuard}).
 *
 * <p>Nothing in an entry is trusted before the worker verified its envelope: the reader receives
 * only entries within the size limits ({@link JobReads}), parses counts strictly ({@link Entries}),
 * and refuses a malformed entry rather than failing on it; no entry can stop the reader. A reader,
 * settler or upkeep thread that dies anyway tells the worker once
 * ({@link JobListener#onTransportFailure}).
 *
 * <p>Thread-safe: deliveries may be settled from any thread.
 */
final class RedisConsumer implements JobConsumer, RedisDelivery.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConsumer.class);
    private static final byte[] GROUP = Keys.bytes(Keys.GROUP);

    private final RedisConnections connections;
    private final Keys keys;
    private final RedisSettings settings;
    private final String workerId;
    private final byte[] consumer;
    private final Clock clock;
    private final long blockMillis;
    private final Ops ops;
    private final Semaphore slots;
    private final Map<String, RedisDelivery> inHand = new ConcurrentHashMap<>();
    private final Settler settler;
    private final Upkeep upkeep;
    private final Reclaimer reclaimer;
    private final RedisScheduleStore schedules;
    private final RedisUniqueLocks uniqueLocks;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final JobReads reads;
    private final RedisReplayGuard replayGuard;
    private final Features features;
    private volatile boolean paused;
    private volatile JobListener listener;
    /** Guards heartbeats against close, so that none lands after the worker's entry was deleted. */
    private final Object beating = new Object();
    private boolean gone;
    private final ReaderConnection connection;
    private Thread reader;

    /**
     * Connects at once and makes sure the consumer group exists.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    RedisConsumer(RedisConnections connections, Keys keys, RedisSettings settings, ConsumerOptions options, Clock clock,
            long blockMillis) {
        this.connections = connections;
        this.keys = keys;
        this.settings = settings;
        this.workerId = options.workerId();
        this.consumer = Keys.bytes(workerId);
        this.clock = clock;
        this.blockMillis = blockMillis;
        this.ops = new Ops(keys, settings, workerId);
        this.slots = new Semaphore(options.prefetch());
        this.connection = new ReaderConnection(connections);
        try {
            ensureGroup(connection.get());
        } catch (JedisException e) {
            connection.drop();
            throw connections.failure(e);
        }
        this.settler = new Settler(connections, workerId, t -> transportFailed("settler", t));
        this.upkeep = new Upkeep(this, connections, keys, settings, clock);
        this.reads = new JobReads(keys, settings, workerId);
        this.reclaimer = new Reclaimer(keys, settings, workerId, reads);
        this.replayGuard = new RedisReplayGuard(connections, keys, workerId, inHand::get, settings.replayWindow());
        this.schedules = new RedisScheduleStore(connections, keys, settings, workerId);
        this.uniqueLocks = new RedisUniqueLocks(connections, keys, workerId);
        this.features = new Features().offer(ScheduleStore.class, () -> schedules)
                .offer(UniqueLocks.class, () -> uniqueLocks).offer(ReplayGuard.class, () -> replayGuard);
    }

    @Override
    public String describe() {
        return connections.url() + " (stream " + Keys.name(keys.jobs()) + ", group " + Keys.GROUP
                + connections.node().map(n -> ", on " + n).orElse("") + ")";
    }

    /**
     * Kept in Redis and shared by every worker of the queue: the repeating jobs ({@link ScheduleStore}),
     * the unique-job locks ({@link UniqueLocks}: a key holds across every client and worker), and the
     * memory of verified jobs taken ({@link ReplayGuard}: a replay is refused by every worker), unless
     * {@code redis.replay-window} is zero, which leaves copies to each worker's own memory and writes no
     * key per job.
     */
    @Override
    public <F> Optional<F> feature(Class<F> type) {
        if (type == ReplayGuard.class && settings.replayWindow().isZero()) {
            return Optional.empty();
        }
        return features.get(type);
    }

    @Override
    public void start(JobListener listener) {
        Objects.requireNonNull(listener, "listener == null");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        this.listener = listener;
        reader = new Thread(new JobReader(this, connections, keys, clock, slots, connection, reclaimer, reads,
                blockMillis)::run, "tasq-redis-read-" + workerId);
        reader.setDaemon(true);
        reader.start();
        upkeep.start();
    }

    @Override
    public void publish(ResultMessage result) {
        Objects.requireNonNull(result, "result == null");
        settler.submit(ops.complete(null, result));
    }

    /** Writes the job to the dead-letter stream, through the settler like any dead letter. */
    @Override
    public void deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts) {
        Objects.requireNonNull(envelope, "envelope == null");
        settler.submit(ops.deadLetter(String.valueOf(jobId), String.valueOf(replyTo), envelope,
                reason == null ? "dead-lettered" : reason, attempts, now()));
    }

    /**
     * Writes the worker's heartbeat on a pooled connection, in the caller's thread.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    @Override
    public void heartbeat(WorkerInfo info) {
        Objects.requireNonNull(info, "info == null");
        synchronized (beating) {
            if (gone) {
                return;
            }
            try (Jedis j = connections.borrow()) {
                Heartbeats.write(j, keys, info);
            } catch (JedisException e) {
                throw connections.failure(e);
            }
        }
    }

    @Override
    public void pause() {
        paused = true;
        connection.unblock();
    }

    boolean taking() {
        return !paused && !closed.get();
    }

    /** Hands an entry that was read but not delivered back as it was; its slot is freed. */
    void handBack(Entries.Entry entry, int deliveries) {
        slots.release();
        settler.submit(ops.requeue(entry, deliveries, null));
    }

    /**
     * Hands one entry to the listener; its slot is already taken. Whatever is wrong with the entry (it
     * is unverified) ends in a refusal of that entry, never in the reader's death.
     */
    void deliver(Entries.Entry entry, int attempt) {
        String problem = null;
        try {
            byte[] body = entry.body();
            if (body == null) {
                problem = "not a Tasq job: the stream entry has no 'body' field";
                LOG.warn("worker {} moved stream entry {} to the dead letters: it has no '{}' field, so Tasq did not "
                        + "write it", workerId, entry.id(), Entries.BODY);
            } else if (body.length > settings.maxBodyBytes()) {
                problem = "its body has " + body.length + " bytes, more than the " + settings.maxBodyBytes()
                        + " a worker accepts (envelope.max-bytes)";
            }
        } catch (RuntimeException e) {
            problem = "the worker could not read the stream entry: " + e;
        }
        if (problem != null) {
            slots.release();
            settler.submit(ops.refuse(entry, problem, attempt, now()));
            return;
        }
        RedisDelivery d = new RedisDelivery(entry, attempt, this);
        inHand.put(entry.id(), d);
        try {
            listener.onJob(d);
        } catch (RuntimeException e) {
            LOG.error("worker {}: the job listener failed on {}; handing the job back", workerId, d, e);
            d.release();
        }
    }

    /**
     * A transport thread (the reader, the settler, the upkeep) died and will not come back: the worker
     * is told once, from the dying thread, and stops; this consumer takes nothing more meanwhile.
     */
    void transportFailed(String thread, Throwable cause) {
        if (closed.get() || !failed.compareAndSet(false, true)) {
            return;
        }
        paused = true;
        LOG.error("worker {}: its Redis {} thread died; it takes no more jobs from {}", workerId, thread,
                connections.url(), cause);
        JobListener l = listener;
        if (l != null) {
            try {
                l.onTransportFailure(cause);
            } catch (RuntimeException e) {
                LOG.error("worker {}: the job listener failed on the transport failure", workerId, e);
            }
        }
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public long now() {
        return clock.millis();
    }

    @Override
    public void settled(RedisDelivery delivery, Settler.Op op) {
        slots.release();
        // the entry stays "in hand" (its idle time kept fresh) until Redis has the settlement
        settler.submit(new Settler.Op(op.script(), op.keys(), op.args(), op.what(),
                () -> inHand.remove(delivery.id(), delivery)));
    }

    /** The entry ids this worker holds (delivered, settlement not yet written). */
    Map<String, RedisDelivery> inHand() {
        return inHand;
    }

    String workerId() {
        return workerId;
    }

    /** Whether the group is gone: NOGROUP, or a blocked read ended because the stream was deleted. */
    static boolean isNoGroup(JedisException e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof JedisDataException && (m.startsWith("NOGROUP") || m.startsWith("UNBLOCKED"));
    }

    /** The group (or the whole stream) was lost, a server restarted without its data: make it again. */
    void recreateGroup() {
        try (Jedis j = connections.borrow()) {
            ensureGroup(j);
            LOG.warn("worker {}: the consumer group {} of {} was missing (did Redis lose its data?); made it again",
                    workerId, Keys.GROUP, Keys.name(keys.jobs()));
        } catch (JedisException e) {
            LOG.debug("worker {} could not make the consumer group: {}", workerId, e.getMessage());
        }
    }

    /** Makes the group if it is missing, reading from the start so that jobs sent before it are run. */
    private void ensureGroup(Jedis j) {
        try {
            j.sendCommand(Protocol.Command.XGROUP, Keys.bytes("CREATE"), keys.jobs(), GROUP, Keys.bytes("0"),
                    Keys.bytes("MKSTREAM"));
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        paused = true;
        schedules.close();
        uniqueLocks.close();
        replayGuard.close();
        connection.stop(reader);
        upkeep.close();
        int released = 0;
        for (RedisDelivery d : inHand.values()) {
            if (!d.isSettled()) {
                d.release();
                released++;
            }
        }
        if (released > 0) {
            LOG.info("worker {} handed {} unfinished job(s) back to {}", workerId, released, connections.url());
        }
        settler.close(settings.timeout().toMillis() * 2);
        upkeep.goodbye();
        synchronized (beating) {
            gone = true;
            try (Jedis j = connections.borrow()) {
                Heartbeats.delete(j, keys, workerId);
            } catch (JedisException e) {
                LOG.debug("worker {} could not delete its heartbeat (it expires by itself): {}", workerId,
                        e.getMessage());
            }
        }
    }
}
