package io.tasq.core.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of what a worker has done since it started. Thread-safe; values are read one by one, so
 * a snapshot may mix moments.
 */
public final class WorkerStats {

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
    void bindTo(io.tasq.core.internal.metrics.WorkerMetrics metrics, HeldJobs held) {
        metrics.outcome("received", this, s -> s.received());
        metrics.outcome("succeeded", this, s -> s.succeeded());
        metrics.outcome("failed", this, s -> s.failed());
        metrics.outcome("rejected", this, s -> s.rejected());
        metrics.outcome("retried", this, s -> s.retried());
        metrics.outcome("timed-out", this, s -> s.timedOut());
        metrics.outcome("cancelled", this, s -> s.cancelled());
        metrics.outcome("dead-lettered", this, s -> s.deadLettered());
        metrics.gauge("tasq.worker.jobs.running", "jobs running now", this, s -> s.running());
        metrics.gauge("tasq.worker.jobs.held", "jobs the worker holds until their time", held, h -> h.size());
    }

    /** Envelopes received from the backend. */
    public long received() {
        return received.get();
    }

    /** Jobs that returned a value. */
    public long succeeded() {
        return succeeded.get();
    }

    /** Jobs that threw. */
    public long failed() {
        return failed.get();
    }

    /** Envelopes refused: malformed, unsigned or wrongly signed, undecodable, not allowed. */
    public long rejected() {
        return rejected.get();
    }

    /** Jobs held by this worker until their delay runs out. */
    public long delayed() {
        return delayed.get();
    }

    /** Failed attempts sent back to be retried. */
    public long retried() {
        return retried.get();
    }

    /** Attempts stopped for running over their time limit. */
    public long timedOut() {
        return timedOut.get();
    }

    /** Jobs dropped or interrupted because their client cancelled them. */
    public long cancelled() {
        return cancelled.get();
    }

    /** Jobs sent to the dead letters: refused, retries exhausted, or poison. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /**
     * Copies of a job this worker (or, on a backend with a shared memory, any worker) had already
     * taken, dropped without running: sent twice by a client, or replayed by someone on the transport.
     */
    public long duplicates() {
        return duplicates.get();
    }

    /** Jobs running now. */
    public long running() {
        return running.get();
    }

    @Override
    public String toString() {
        return "WorkerStats{received=" + received + ", succeeded=" + succeeded + ", failed=" + failed + ", rejected="
                + rejected + ", delayed=" + delayed + ", retried=" + retried + ", timedOut=" + timedOut + ", cancelled="
                + cancelled + ", deadLettered=" + deadLettered + ", duplicates=" + duplicates + ", running=" + running + "}";
    }
}
