package io.tasq.backend.redis;

import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The repeating jobs of one queue, kept by Redis so that they outlive every client and worker, and
 * fired by whichever worker comes first. Two keys: the hash {@link Keys#schedules()} maps a job's
 * name to {@code <last run>:<len>:<job id><len>:<client id><envelope>} (lengths in bytes), and the
 * sorted set {@link Keys#scheduleTimes()} scores each name by its next run in epoch milliseconds.
 * Every change is one Lua script, so the two never disagree; a fired run enters the jobs stream, with
 * its number in the field {@code run}, in the same script that moves the job on
 * ({@code schedule-fire.lua}).
 *
 * <p>When Redis cannot be reached: {@link #add} and {@link #remove}, called by the worker's job actors
 * for a registration or a cancel whose delivery is settled only afterwards, try again until Redis is
 * back (or the worker closes), so that a short outage delays them instead of leaving the delivery
 * unsettled; {@link #due}, called by every worker's scheduler ten times a second, answers nothing
 * until Redis is back, with one warning rather than ten a second; {@link #fire} and {@link #list}
 * throw. Thread-safe.
 */
final class RedisScheduleStore implements ScheduleStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisScheduleStore.class);
    private static final byte[] ALL = Keys.bytes("+inf");
    private static final byte[] UNLIMITED = Keys.bytes("-1");

    private final RedisConnections connections;
    private final Keys keys;
    private final RedisSettings settings;
    private final String workerId;
    private final Object dueLock = new Object();
    private int dueFailures;
    private long dueRetryAt;
    private volatile boolean closed;

    RedisScheduleStore(RedisConnections connections, Keys keys, RedisSettings settings, String workerId) {
        this.connections = connections;
        this.keys = keys;
        this.settings = settings;
        this.workerId = workerId;
    }

    @Override
    public void add(Recurring job) {
        Objects.requireNonNull(job, "job == null");
        byte[] value = Entries.packed(job.lastRun() + ":", job.jobId(), job.replyTo(), job.envelope());
        retrying("register repeating job " + job.name(), j -> Script.SCHEDULE_ADD.run(j,
                List.of(keys.schedules(), keys.scheduleTimes()),
                List.of(Keys.bytes(job.name()), Keys.bytes(job.jobId()), value, bytes(job.nextRunMillis()))));
    }

    @Override
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name == null");
        Object removed = retrying("remove repeating job " + name, j -> Script.SCHEDULE_REMOVE.run(j,
                List.of(keys.schedules(), keys.scheduleTimes()), List.of(Keys.bytes(name))));
        return Long.valueOf(1).equals(removed);
    }

    @Override
    public List<Recurring> due(long nowMillis, int max) {
        if (max <= 0 || closed) {
            return List.of();
        }
        synchronized (dueLock) {
            if (dueFailures > 0 && System.nanoTime() - dueRetryAt < 0) {
                return List.of();
            }
        }
        try (Jedis j = connections.borrow()) {
            List<Recurring> due = read(j, bytes(nowMillis), bytes(max), nowMillis);
            synchronized (dueLock) {
                if (dueFailures > 0) {
                    dueFailures = 0;
                    LOG.info("worker {} fires repeating jobs from {} again", workerId, connections.url());
                }
            }
            return due;
        } catch (JedisException e) {
            if (closed) {
                return List.of();
            }
            connections.clearIdle();
            synchronized (dueLock) {
                long wait = Math.min(Backoff.MAX_MILLIS, Backoff.FIRST_MILLIS << Math.min(dueFailures, 6));
                dueRetryAt = System.nanoTime() + wait * 1_000_000;
                if (dueFailures++ == 0) {
                    LOG.warn("worker {} cannot read the repeating jobs of {} ({}); their runs wait until it can",
                            workerId, connections.url(), RedisErrors.message(e));
                }
            }
            return List.of();
        }
    }

    @Override
    public boolean fire(Recurring job, long nextRunMillis) {
        Objects.requireNonNull(job, "job == null");
        try (Jedis j = connections.borrow()) {
            Object fired = Script.SCHEDULE_FIRE.run(j, List.of(keys.schedules(), keys.scheduleTimes(), keys.jobs(),
                    keys.ring()),
                    List.of(Keys.bytes(job.name()), Keys.bytes(job.jobId()), bytes(job.nextRunMillis()),
                            bytes(job.lastRun()), bytes(nextRunMillis), bytes(job.lastRun() + 1)));
            return Long.valueOf(1).equals(fired);
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    @Override
    public List<Recurring> list() {
        try (Jedis j = connections.borrow()) {
            return read(j, ALL, UNLIMITED, System.currentTimeMillis());
        } catch (JedisException e) {
            throw connections.failure(e);
        }
    }

    /** The jobs due by {@code upTo}, earliest first; cleans away what Tasq did not write. */
    private List<Recurring> read(Jedis j, byte[] upTo, byte[] max, long nowMillis) {
        List<?> reply = (List<?>) Script.SCHEDULE_DUE.run(j,
                List.of(keys.schedules(), keys.scheduleTimes(), keys.dead(), keys.deadDropped()),
                List.of(upTo, max, bytes(settings.deadLetterMax()), bytes(nowMillis),
                        bytes(settings.maxBodyBytes() + Entries.MAX_OTHER_BYTES),
                        bytes(io.tasq.spi.Limits.REFUSED_BYTES_KEPT)));
        long dead = (Long) reply.get(1);
        if (dead > 0) {
            LOG.warn("worker {} moved {} entr{} of {} to the dead letters ({}): Tasq did not write them", workerId,
                    dead, dead == 1 ? "y" : "ies", Keys.name(keys.schedules()), Keys.name(keys.dead()));
        }
        List<?> rows = (List<?>) reply.get(0);
        List<Recurring> out = new ArrayList<>(rows.size());
        for (Object o : rows) {
            List<?> r = (List<?>) o;
            out.add(new Recurring(text(r.get(0)), text(r.get(3)), text(r.get(4)), (byte[]) r.get(5),
                    Math.round(Double.parseDouble(text(r.get(1)))), Long.parseLong(text(r.get(2)))));
        }
        return out;
    }

    /** Runs {@code call} on a pooled connection, again while Redis is away, until it answers or this closes. */
    private Object retrying(String what, Function<Jedis, Object> call) {
        return connections.retrying(workerId, what, () -> !closed, call);
    }

    /** Stops waiting for Redis: calls still trying again throw. */
    @Override
    public void close() {
        closed = true;
    }

    private static String text(Object raw) {
        return Entries.text((byte[]) raw);
    }

    private static byte[] bytes(long n) {
        return Keys.bytes(Long.toString(n));
    }
}
