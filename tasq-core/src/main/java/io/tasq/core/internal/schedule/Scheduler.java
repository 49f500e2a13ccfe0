package io.tasq.core.internal.schedule;

import io.tasq.core.internal.wire.JobCodec;
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
        long now = clock.millis();
        java.util.List<Recurring> due;
        try {
            due = store.due(now, 256);
        } catch (RuntimeException e) {
            // a store that cannot be reached now: the next tick tries again
            LOG.warn("repeating jobs could not be read this time: {}", e.toString());
            return;
        }
        for (Recurring job : due) {
            try {
                long next = nextRun(job, now);
                if (next == Long.MAX_VALUE) {
                    // a cron expression with no time left (a date in the past): fire this last run, then forget it
                    LOG.info("repeating job {} ({}) has no run after this one; removing it", job.name(), job.jobId());
                    if (store.fire(job, Long.MAX_VALUE)) {
                        store.remove(job.name());
                    }
                } else if (store.fire(job, next)) {
                    LOG.debug("fired run {} of {} ({}); next at {}", job.lastRun() + 1, job.name(), job.jobId(),
                            Instant.ofEpochMilli(next));
                }
            } catch (RuntimeException e) {
                // one job that cannot be read or fired does not hold up the others
                LOG.warn("could not fire repeating job {} ({}): {}", job.name(), job.jobId(), e.toString());
            }
        }
    }

    /**
     * The run after the due one; if that is already past (runs were missed), the first one after now;
     * {@link Long#MAX_VALUE} when the schedule has no later run.
     */
    long nextRun(Recurring job, long now) {
        if (parsed.size() > 10_000) {
            parsed.clear(); // jobs come and go: parse again rather than grow forever
        }
        Schedule schedule = parsed.computeIfAbsent(job.jobId(),
                id -> Schedule.parse(JobCodec.decode(job.envelope(), maxBytes).job().schedule()));
        Instant next = schedule.nextAfter(Instant.ofEpochMilli(job.nextRunMillis()));
        if (!next.equals(Instant.MAX) && next.toEpochMilli() <= now) {
            next = schedule.nextAfter(Instant.ofEpochMilli(now));
        }
        return next.equals(Instant.MAX) ? Long.MAX_VALUE : next.toEpochMilli();
    }

    /** Stops firing; a fire in progress is let finish (a few seconds at most), so that it is not fired twice. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
