package io.tasq.backend.redis;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A worker's reader thread: fills the free slots of the prefetch, on a connection of its own, first
 * with entries whose worker was lost ({@link Reclaimer}), then with new ones ({@link JobReads}); once
 * a read found the stream drained, the next one first waits on the queue's doorbell. Connection failures and errors are waited out
 * with a backoff; an entry is handed to {@link RedisConsumer#deliver}, which refuses what it cannot
 * hand on, so that no entry ends the thread. If it ends for any other reason than a pause or a close,
 * the consumer is told ({@link RedisConsumer#transportFailed}). Not thread-safe: the reader's own.
 */
final class JobReader {

    private static final Logger LOG = LoggerFactory.getLogger(JobReader.class);

    private final RedisConsumer consumer;
    private final RedisConnections connections;
    private final Keys keys;
    private final String workerId;
    private final Clock clock;
    private final Semaphore slots;
    private final ReaderConnection connection;
    private final Reclaimer reclaimer;
    private final JobReads reads;
    private final long blockMillis;

    JobReader(RedisConsumer consumer, RedisConnections connections, Keys keys, Clock clock, Semaphore slots,
            ReaderConnection connection, Reclaimer reclaimer, JobReads reads, long blockMillis) {
        this.consumer = consumer;
        this.connections = connections;
        this.keys = keys;
        this.workerId = consumer.workerId();
        this.clock = clock;
        this.slots = slots;
        this.connection = connection;
        this.reclaimer = reclaimer;
        this.reads = reads;
        this.blockMillis = blockMillis;
    }

    /** The reader thread: reads until paused or closed; if it dies of anything else, the worker is told. */
    void run() {
        try {
            read();
        } catch (Throwable t) {
            connection.drop();
            consumer.transportFailed("job reader", t);
            if (t instanceof Error e) {
                throw e;
            }
        }
    }

    private void read() {
        Backoff backoff = new Backoff();
        byte[] block = Keys.bytes(Long.toString(Math.min(blockMillis, reclaimer.every())));
        byte[] ring = JobReads.NO_RING;
        boolean drained = false; // the last read found fewer entries than it wanted: wait before the next
        while (consumer.taking()) {
            try {
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                break;
            }
            int free = 1 + slots.drainPermits();
            List<Reclaimer.Claimed> claimed;
            JobReads.Batch batch = null;
            try {
                Jedis j = connection.get();
                claimed = reclaimer.claim(connection, j, free, clock.millis(), consumer.inHand().keySet());
                int wanted = free - claimed.size();
                if (wanted > 0) {
                    batch = drained && claimed.isEmpty()
                            ? reads.awaitAndRead(connection, j, ring, block, wanted, clock.millis())
                            : reads.read(connection, j, wanted, clock.millis());
                    ring = batch.ring();
                    drained = batch.entries().size() + batch.refused() < wanted;
                }
            } catch (JedisDataException e) {
                slots.release(free);
                if (!consumer.taking()) {
                    break;
                }
                if (RedisConsumer.isNoGroup(e)) {
                    consumer.recreateGroup();
                    continue;
                }
                boolean passing = connection.refused(e); // MOVED on a cluster: reconnect to the new master
                if (!backoff.failing() && passing) {
                    LOG.warn("worker {}: {} cannot deliver jobs from {} now ({}); trying again", workerId,
                            connections.url(), Keys.name(keys.jobs()), e.getMessage());
                } else if (!backoff.failing()) {
                    LOG.error("worker {}: Redis refused to deliver jobs from {}: {}", workerId, Keys.name(keys.jobs()),
                            e.getMessage());
                }
                if (!backoff.pause(consumer::taking)) {
                    break;
                }
                continue;
            } catch (JedisException e) {
                // what a failed claim took over stays pending and is claimed again at the next turn
                slots.release(free);
                if (!consumer.taking()) {
                    break;
                }
                connection.drop();
                if (ReaderConnection.exceeded(e)) {
                    overLimits(JobReads.ringOverLimits(e), e);
                    continue;
                }
                if (!backoff.failing()) {
                    LOG.warn("worker {} lost {} ({}); reconnecting, its jobs wait there", workerId, connections.url(),
                            RedisErrors.message(e));
                }
                if (!backoff.pause(consumer::taking)) {
                    break;
                }
                continue;
            }
            if (backoff.failing()) {
                LOG.info("worker {} takes jobs from {} again", workerId, connections.url());
                backoff.reset();
            }
            List<Entries.Entry> entries = batch == null ? List.of() : batch.entries();
            slots.release(free - claimed.size() - entries.size());
            if (!consumer.taking()) {
                // paused while reading: these were never handed out, so they go back as they were
                claimed.forEach(c -> consumer.handBack(c.entry(), c.attempt() - 1));
                entries.forEach(e -> consumer.handBack(e, e.tries()));
                break;
            }
            for (Reclaimer.Claimed c : claimed) {
                consumer.deliver(c.entry(), c.attempt());
            }
            for (Entries.Entry e : entries) {
                consumer.deliver(e, 1 + e.tries());
            }
        }
        connection.drop();
    }

    /**
     * The guard broke a reply off for announcing more than the command may answer. On the doorbell,
     * someone filled it: it is deleted (the next ring makes it anew). Elsewhere it cannot happen with
     * the scripts' own limits; logged, and read again after the connection is made anew.
     */
    private void overLimits(boolean ring, JedisException e) {
        if (ring) {
            LOG.warn("worker {}: the doorbell {} held more than Tasq writes there ({}); deleting it", workerId,
                    Keys.name(keys.ring()), RedisErrors.message(e));
            try (Jedis j = connections.borrow()) {
                j.del(keys.ring());
            } catch (JedisException again) {
                LOG.debug("worker {} could not delete the doorbell: {}", workerId, again.getMessage());
            }
        } else {
            LOG.error("worker {}: a reply of Redis was over the limits and was not read ({}); reading again",
                    workerId, RedisErrors.message(e));
        }
    }
}
