package io.tasq.spi;

import java.util.List;

/**
 * Where a backend keeps repeating jobs durably, so that they survive the restart of clients and
 * workers, and fire once per tick however many workers share the queue. The runtime computes run
 * times (intervals, cron); the store keeps them and fires atomically.
 *
 * <p>Every worker's scheduler calls {@link #due} and then {@link #fire} for each due job: the store
 * guarantees that of several workers firing the same tick, exactly one succeeds, and that a fired
 * run is delivered like a job ({@link Delivery#run()} giving its run number). Implementations are
 * thread-safe.
 */
public interface ScheduleStore {

    /**
     * Keeps a repeating job, replacing one with the same name; does nothing if a job with the same
     * job id is kept already (a redelivered registration).
     */
    void add(Recurring job);

    /**
     * Forgets the repeating job with this name.
     *
     * @return whether one was kept
     */
    boolean remove(String name);

    /** Up to {@code max} repeating jobs whose next run is due at {@code nowMillis}, earliest first. */
    List<Recurring> due(long nowMillis, int max);

    /**
     * Fires one due run: atomically delivers {@code job.envelope()} as run {@code job.lastRun() + 1}
     * and moves the job to {@code nextRunMillis}, if the store still holds {@code job} as given (same
     * next run, same last run).
     *
     * @return {@code false} if another worker fired this run first, or the job was removed
     */
    boolean fire(Recurring job, long nextRunMillis);

    /** Every repeating job kept, for inspection. */
    List<Recurring> list();
}
