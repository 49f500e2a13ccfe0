package io.tasq.core.internal.schedule;

import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The schedule store of a worker whose backend keeps none (the brokerless one): repeating jobs live
 * in this worker's memory, as in the reference, and a fired run is handed straight to
 * {@code onFire}. Thread-safe.
 */
public final class MemoryScheduleStore implements ScheduleStore {

    private final Map<String, Recurring> jobs = new LinkedHashMap<>();
    private final Consumer<Recurring> onFire;

    /** @param onFire receives each fired run, with {@code lastRun} already its run number */
    public MemoryScheduleStore(Consumer<Recurring> onFire) {
        this.onFire = onFire;
    }

    @Override
    public synchronized void add(Recurring job) {
        Recurring kept = jobs.get(job.name());
        if (kept == null || !kept.jobId().equals(job.jobId())) {
            jobs.put(job.name(), job);
        }
    }

    @Override
    public synchronized boolean remove(String name) {
        return jobs.remove(name) != null;
    }

    @Override
    public synchronized List<Recurring> due(long nowMillis, int max) {
        return jobs.values().stream().filter(j -> j.nextRunMillis() <= nowMillis)
                .sorted(Comparator.comparingLong(Recurring::nextRunMillis)).limit(max).toList();
    }

    @Override
    public boolean fire(Recurring job, long nextRunMillis) {
        Recurring fired;
        synchronized (this) {
            Recurring kept = jobs.get(job.name());
            if (kept == null || !kept.jobId().equals(job.jobId()) || kept.nextRunMillis() != job.nextRunMillis()
                    || kept.lastRun() != job.lastRun()) {
                return false;
            }
            fired = new Recurring(job.name(), job.jobId(), job.replyTo(), job.envelope(), nextRunMillis,
                    job.lastRun() + 1);
            jobs.put(job.name(), fired);
        }
        onFire.accept(fired);
        return true;
    }

    @Override
    public synchronized List<Recurring> list() {
        return new ArrayList<>(jobs.values());
    }
}
