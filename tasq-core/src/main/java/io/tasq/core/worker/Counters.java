package io.tasq.core.worker;

import io.tasq.core.internal.metrics.WorkerMetrics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a worker has done since it started, counted live by its steps; {@link #snapshot()} reads them
 * for users ({@link WorkerStats}). Thread-safe.
 */
final class Counters {

    final AtomicLong received = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong delayed = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong running = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();

    /** Publishes these counters, the running jobs and the jobs {@code held} as the worker's meters. */
    void bindTo(WorkerMetrics metrics, HeldJobs held) {
        metrics.outcome("received", received, AtomicLong::get);
        metrics.outcome("succeeded", succeeded, AtomicLong::get);
        metrics.outcome("failed", failed, AtomicLong::get);
        metrics.outcome("rejected", rejected, AtomicLong::get);
        metrics.outcome("retried", retried, AtomicLong::get);
        metrics.outcome("timed-out", timedOut, AtomicLong::get);
        metrics.outcome("cancelled", cancelled, AtomicLong::get);
        metrics.outcome("dead-lettered", deadLettered, AtomicLong::get);
        metrics.gauge("tasq.worker.jobs.running", "jobs running now", running, AtomicLong::get);
        metrics.gauge("tasq.worker.jobs.held", "jobs the worker holds until their time", held, h -> h.size());
    }

    /** The counters now, read one by one (a snapshot may mix moments). */
    WorkerStats snapshot() {
        return new WorkerStats(received.get(), succeeded.get(), failed.get(), rejected.get(), delayed.get(),
                retried.get(), timedOut.get(), cancelled.get(), deadLettered.get(), duplicates.get(), running.get());
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
