package io.tasq.core.worker;

import io.tasq.core.internal.wire.SignedJob;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Jobs the worker holds until their time comes, for transports that cannot hold them: one timer
 * thread for all of them, so ten thousand delayed jobs cost memory, not threads. When a job is due
 * it is handed to {@code due}, which routes it to an actor.
 *
 * <p>Thread-safe.
 */
final class HeldJobs {

    private final Clock clock;
    private final Consumer<WorkItem> due;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** A held run; {@code future} is null for the moment between holding it and starting its timer. */
    record Held(SignedJob job, int attempt, long run, ScheduledFuture<?> future) {

        void cancelTimer() {
            if (future != null) {
                future.cancel(false);
            }
        }
    }

    /** Set once the worker stops: where held runs go instead of running. */
    private Consumer<Held> stopped;

    HeldJobs(String workerId, Clock clock, Consumer<WorkItem> due) {
        this.clock = clock;
        this.due = due;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, workerId + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Holds a checked job until {@code atMillis} (epoch), by this worker's clock. */
    void hold(SignedJob job, int attempt, long atMillis) {
        hold(job, attempt, 1, atMillis);
    }

    synchronized void hold(SignedJob job, int attempt, long run, long atMillis) {
        if (stopped != null) {
            // the worker is stopping: the run will not come, and its sender is told so at once
            stopped.accept(new Held(job, attempt, run, null));
            return;
        }
        String key = job.job().jobId() + "#" + run;
        long delay = Math.max(0, atMillis - clock.millis());
        // held before its timer starts: a run due at once may fire before schedule() returns, and must
        // find itself held (else it would be dropped)
        held.put(key, new Held(job, attempt, run, null));
        ScheduledFuture<?> f;
        try {
            f = timer.schedule(() -> {
                if (held.remove(key) != null) {
                    due.accept(WorkItem.held(job, attempt, run));
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            held.remove(key); // the timer has stopped: nothing is held
            throw e;
        }
        held.computeIfPresent(key, (k, h) -> new Held(job, attempt, run, f));
    }

    /** Drops the held runs of job {@code jobId}; returns them, so that their senders can be told. */
    List<Held> cancel(String jobId) {
        List<Held> dropped = new java.util.ArrayList<>();
        held.entrySet().removeIf(e -> {
            if (e.getValue().job().job().jobId().equals(jobId)) {
                e.getValue().cancelTimer();
                dropped.add(e.getValue());
                return true;
            }
            return false;
        });
        return dropped;
    }

    /** How many jobs are held. */
    int size() {
        return held.size();
    }

    /** The scheduler, for other timed work of the worker (repeating jobs). */
    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Stops holding: each run still held, and each one offered from now on, goes to {@code tellStopped}
     * instead of running. The timer keeps serving the running jobs' time limits until {@link #close()}.
     */
    synchronized void stop(Consumer<Held> tellStopped) {
        stopped = tellStopped;
        List<Held> left = List.copyOf(held.values());
        held.clear();
        left.forEach(Held::cancelTimer);
        left.forEach(tellStopped);
    }

    /** Stops the timer. */
    void close() {
        timer.shutdownNow();
    }
}
