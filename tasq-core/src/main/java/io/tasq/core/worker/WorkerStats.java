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
    final AtomicLong running = new AtomicLong();

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

    /** Jobs running now. */
    public long running() {
        return running.get();
    }

    @Override
    public String toString() {
        return "WorkerStats{received=" + received + ", succeeded=" + succeeded + ", failed=" + failed + ", rejected="
                + rejected + ", delayed=" + delayed + ", running=" + running + "}";
    }
}
