package io.tasq.worker;

import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The dashboard's view of a queue over the last minutes: asks the backend for the live workers and
 * the depth at each {@link #sample()}, and turns successive heartbeats of each worker into rates
 * (jobs per second) and run-time percentiles. Thread-safe: {@code sample()} runs on one thread, the
 * HTTP handlers read {@link #snapshot()}.
 */
final class DashboardSampler {

    /**
     * One point of the charts.
     *
     * @param t when it was sampled, epoch milliseconds
     * @param ok jobs that succeeded per second, summed over the live workers
     * @param failed jobs that failed per second
     * @param p50 the median run time in ms (the workers' medians, weighted by their rates)
     * @param p99 the highest of the workers' 99th percentiles, in ms
     * @param waiting jobs waiting, -1 when the backend cannot tell
     * @param inFlight jobs delivered and not settled, -1 when unknown
     * @param delayed jobs waiting for their time, -1 when unknown
     * @param workers live workers
     */
    record Point(long t, double ok, double failed, double p50, double p99, long waiting, long inFlight, long delayed,
            int workers) {
    }

    /** What the last sample saw, and the series so far. */
    record Snapshot(List<WorkerInfo> workers, QueueStats depth, List<Point> series, String error, long sampledAt) {
    }

    /** A worker's last heartbeat and the rates computed from the one before it. */
    private record Rate(WorkerInfo last, double ok, double failed) {
    }

    private final QueueAdmin admin;
    private final Clock clock;
    private final long windowMillis;
    private final ArrayDeque<Point> series = new ArrayDeque<>();
    private final Map<String, Rate> rates = new HashMap<>();
    private volatile Snapshot snapshot;

    /**
     * @param admin the queue's admin, {@code null} when its backend has none (then nothing is known)
     * @param window how far back the series go
     */
    DashboardSampler(QueueAdmin admin, Clock clock, Duration window) {
        this.admin = admin;
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.windowMillis = window.toMillis();
        this.snapshot = new Snapshot(List.of(), QueueStats.UNKNOWN, List.of(),
                admin == null ? "this backend cannot list its workers" : null, 0);
    }

    /** Asks the backend once and adds a point; a failure is kept as the snapshot's error, never thrown. */
    void sample() {
        if (admin == null) {
            return;
        }
        long now = clock.millis();
        List<WorkerInfo> workers;
        QueueStats depth;
        try {
            workers = admin.workers();
            depth = admin.stats();
        } catch (RuntimeException e) {
            Snapshot s = snapshot;
            snapshot = new Snapshot(List.of(), s.depth(), s.series(), "cannot reach the queue: " + e.getMessage(), now);
            return;
        }
        Point point = point(now, workers, depth);
        synchronized (series) {
            series.addLast(point);
            while (!series.isEmpty() && series.peekFirst().t() < now - windowMillis) {
                series.removeFirst();
            }
            snapshot = new Snapshot(List.copyOf(workers), depth, List.copyOf(series), null, now);
        }
    }

    Snapshot snapshot() {
        return snapshot;
    }

    private Point point(long now, List<WorkerInfo> workers, QueueStats depth) {
        Map<String, Rate> next = new HashMap<>();
        double ok = 0;
        double failed = 0;
        double weighted = 0;
        double weights = 0;
        double medians = 0;
        double p99 = 0;
        for (WorkerInfo w : workers) {
            Rate r = rate(rates.get(w.workerId()), w);
            next.put(w.workerId(), r);
            ok += r.ok();
            failed += r.failed();
            weighted += w.runP50Millis() * (r.ok() + r.failed());
            weights += r.ok() + r.failed();
            medians += w.runP50Millis();
            p99 = Math.max(p99, w.runP99Millis());
        }
        rates.clear();
        rates.putAll(next);
        double p50 = weights > 0 ? weighted / weights : workers.isEmpty() ? 0 : medians / workers.size();
        return new Point(now, ok, failed, p50, p99, depth.waiting(), depth.inFlight(), depth.delayed(), workers.size());
    }

    /** The rates between a worker's previous heartbeat and this one; kept until a newer heartbeat comes. */
    private static Rate rate(Rate before, WorkerInfo now) {
        if (before == null) {
            return new Rate(now, 0, 0);
        }
        long dt = now.heartbeatAtMillis() - before.last().heartbeatAtMillis();
        if (dt <= 0) {
            return before;
        }
        double ok = Math.max(0, now.succeeded() - before.last().succeeded()) * 1000.0 / dt;
        double failed = Math.max(0, now.failed() - before.last().failed()) * 1000.0 / dt;
        return new Rate(now, ok, failed);
    }
}
