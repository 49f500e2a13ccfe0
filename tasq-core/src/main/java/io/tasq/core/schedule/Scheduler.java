package io.tasq.core.schedule;

import io.tasq.core.wire.JobCodec;
import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the due runs of repeating jobs: every {@code period} it asks the store what is due, works
 * out each job's next run from its schedule, and fires; the store makes sure that of several
 * workers firing the same run, one wins.
 *
 * <p>Catch-up: runs missed while no worker was up are coalesced into one run, fired as soon as a
 * worker is up; the schedule then continues from its next time after now (cron's "run once if
 * missed", not a burst of every missed tick). Thread-safe; one thread of its own.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final ScheduleStore store;
    private final Clock clock;
    private final int maxBytes;
    private final Map<String, Schedule> parsed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;

    public Scheduler(String workerId, ScheduleStore store, Clock clock, int maxBytes, Duration period) {
        this.store = store;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, workerId + "-scheduler");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(10, period.toMillis());
        thread.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The store this scheduler fires from. */
    public ScheduleStore store() {
        return store;
    }

    void tick() {
        try {
            long now = clock.millis();
            for (Recurring job : store.due(now, 256)) {
                long next = nextRun(job, now);
                if (store.fire(job, next)) {
                    LOG.debug("fired run {} of {} ({}); next at {}", job.lastRun() + 1, job.name(), job.jobId(),
                            Instant.ofEpochMilli(next));
                }
            }
        } catch (RuntimeException e) {
            // a store that cannot be reached now: the next tick tries again
            LOG.warn("repeating jobs could not be fired this time: {}", e.toString());
        }
    }

    /** The run after the due one; if that is already past (runs were missed), the first one after now. */
    long nextRun(Recurring job, long now) {
        Schedule schedule = parsed.computeIfAbsent(job.jobId(),
                id -> Schedule.parse(JobCodec.decode(job.envelope(), maxBytes).job().schedule()));
        Instant next = schedule.nextAfter(Instant.ofEpochMilli(job.nextRunMillis()));
        if (next.toEpochMilli() <= now) {
            next = schedule.nextAfter(Instant.ofEpochMilli(now));
        }
        return next.toEpochMilli();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
