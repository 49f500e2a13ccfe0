package io.tasq.backend.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A worker's timed chores, on one thread, each on a pooled connection:
 * <ul>
 *   <li>every {@value #PROMOTE_MILLIS} ms at most (sooner when the next delayed job is due), move
 *       due delayed jobs into the stream ({@code promote.lua});
 *   <li>every third of the visibility timeout, reset the idle time of the entries in hand
 *       ({@code touch.lua}), so a long job is not taken over while its worker lives;
 *   <li>every minute, forget consumers that hold nothing and were idle for an hour ({@code prune.lua}).
 * </ul>
 * Taking over abandoned entries needs free slots, so the consumer's reader does it ({@link Reclaimer}).
 * A chore that fails (the server is away) is tried again at its next turn. Thread-safe.
 */
final class Upkeep {

    private static final Logger LOG = LoggerFactory.getLogger(Upkeep.class);
    static final long PROMOTE_MILLIS = 250;
    private static final int PROMOTE_BATCH = 500;
    private static final long PRUNE_MILLIS = 60_000;
    private static final long PRUNE_IDLE_MILLIS = 3_600_000;
    private static final byte[] GROUP = Keys.bytes(Keys.GROUP);

    private final RedisConsumer consumer;
    private final RedisConnections connections;
    private final Keys keys;
    private final RedisSettings settings;
    private final Clock clock;
    private final byte[] me;
    private final long touchEvery;
    private final ScheduledExecutorService timer;
    private long nextPromote;
    private long nextTouch;
    private long nextPrune;
    private boolean failing;
    private long retryAt;

    Upkeep(RedisConsumer consumer, RedisConnections connections, Keys keys, RedisSettings settings, Clock clock) {
        this.consumer = consumer;
        this.connections = connections;
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
        this.me = Keys.bytes(consumer.workerId());
        long visibility = settings.visibilityTimeout().toMillis();
        this.touchEvery = Math.max(30, visibility / 3);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tasq-redis-upkeep-" + consumer.workerId());
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        long now = clock.millis();
        nextTouch = now + touchEvery;
        nextPrune = now + PRUNE_MILLIS;
        timer.scheduleWithFixedDelay(this::tick, 0, 25, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long now = clock.millis();
        if (now < retryAt || now < Math.min(Math.min(nextTouch, nextPromote), nextPrune)) {
            return;
        }
        try (Jedis j = connections.borrow()) {
            if (now >= nextTouch) {
                touch(j);
                nextTouch = now + touchEvery;
            }
            if (now >= nextPromote) {
                nextPromote = promote(j, now);
            }
            if (now >= nextPrune) {
                Script.PRUNE.run(j, List.of(keys.jobs()), List.of(GROUP, bytes(PRUNE_IDLE_MILLIS), new byte[0]));
                nextPrune = now + PRUNE_MILLIS;
            }
            if (failing) {
                failing = false;
                LOG.info("worker {}: upkeep reaches {} again", consumer.workerId(), connections.url());
            }
        } catch (JedisException e) {
            if (RedisConsumer.isNoGroup(e)) {
                consumer.recreateGroup();
                return;
            }
            connections.clearIdle();
            retryAt = now + 1_000;
            if (!failing) {
                failing = true;
                LOG.warn("worker {}: upkeep cannot reach {} ({}); delayed jobs wait until it can", consumer.workerId(),
                        connections.url(), RedisErrors.message(e));
            }
        } catch (RuntimeException e) {
            LOG.error("worker {}: upkeep failed", consumer.workerId(), e);
        } catch (Error e) {
            // the executor would drop the chore silently: no more promotions, and jobs in hand go stale
            consumer.transportFailed("upkeep", e);
            throw e;
        }
    }

    /** Moves due delayed jobs; returns when to look again. */
    private long promote(Jedis j, long now) {
        Object r = Script.PROMOTE.run(j, List.of(keys.delayed(), keys.jobs(), keys.dead(), keys.deadDropped(),
                keys.ring()), List.of(bytes(now), bytes(PROMOTE_BATCH), bytes(settings.deadLetterMax()),
                bytes(io.tasq.spi.Limits.REFUSED_BYTES_KEPT)));
        List<?> reply = (List<?>) r;
        long moved = (Long) reply.get(0);
        long dead = (Long) reply.get(2);
        if (dead > 0) {
            LOG.warn("worker {} moved {} member(s) of {} to the dead letters ({}): Tasq did not write them",
                    consumer.workerId(), dead, Keys.name(keys.delayed()), Keys.name(keys.dead()));
        }
        if (moved >= PROMOTE_BATCH) {
            return now; // more are due
        }
        long later = now + PROMOTE_MILLIS;
        if (reply.get(1) instanceof byte[] score) {
            try {
                // a score is anyone's to write: "inf" (not Java's "Infinity") or NaN mean nothing sooner
                double due = Double.parseDouble(Entries.text(score));
                return Double.isNaN(due) ? later : Math.min(later, (long) Math.ceil(due));
            } catch (NumberFormatException e) {
                return later;
            }
        }
        return later;
    }

    private void touch(Jedis j) {
        List<String> ids = new ArrayList<>(consumer.inHand().keySet());
        for (int from = 0; from < ids.size(); from += 500) {
            List<byte[]> args = new ArrayList<>();
            args.add(GROUP);
            args.add(me);
            for (String id : ids.subList(from, Math.min(ids.size(), from + 500))) {
                args.add(Keys.bytes(id));
            }
            Script.TOUCH.run(j, List.of(keys.jobs()), args);
        }
    }

    /** Stops the chores. */
    void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forgets this worker's consumer if it holds nothing, so consumers do not accumulate. Best effort. */
    void goodbye() {
        try (Jedis j = connections.borrow()) {
            Script.PRUNE.run(j, List.of(keys.jobs()), List.of(GROUP, bytes(PRUNE_IDLE_MILLIS), me));
        } catch (JedisException e) {
            LOG.debug("worker {} could not remove its consumer: {}", consumer.workerId(), e.getMessage());
        }
    }

    private static byte[] bytes(long n) {
        return Keys.bytes(Long.toString(n));
    }
}
