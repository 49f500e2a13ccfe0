package io.tasq.worker;

import io.tasq.TasqException;
import io.tasq.bench.BenchTarget;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Drives one bench run: each client keeps up to {@code inFlight} round trips open (a window), a
 * sender thread per client opens a new one as soon as one ends; a warm-up is run and forgotten,
 * then jobs are counted for the duration or up to the number asked; a progress line every second.
 */
final class BenchDriver {

    private static final Duration NOTHING_BACK = Duration.ofSeconds(30);

    private final BenchCommand.Load load;
    private final PrintWriter progress;

    BenchDriver(BenchCommand.Load load, PrintWriter progress) {
        this.load = load;
        this.progress = progress;
    }

    BenchResult run(String mode, String backend, BenchTarget target) throws Exception {
        BenchMeter meter = new BenchMeter();
        AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
        List<Semaphore> windows = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        byte[] payload = new byte[load.payload()];
        java.util.Arrays.fill(payload, (byte) 'x');
        boolean[] stop = {false};
        for (int i = 0; i < load.clients(); i++) {
            Semaphore window = new Semaphore(load.inFlight());
            windows.add(window);
            BenchTarget.Lane lane = target.open(i, (start, ok) -> {
                if (ok) {
                    meter.done(start);
                } else {
                    meter.failed();
                }
                window.release();
            });
            Thread t = new Thread(() -> send(lane, window, budget, payload, stop, meter), "tasq-bench-sender-" + i);
            t.setDaemon(true);
            senders.add(t);
        }
        senders.forEach(Thread::start);
        long begin = System.nanoTime();
        tick(mode, meter, begin, load.warmup(), Long.MAX_VALUE, "warm-up");
        meter.reset();
        if (load.jobs() > 0) {
            budget.set(load.jobs());
        }
        long measured = System.nanoTime();
        tick(mode, meter, measured, load.jobs() > 0 ? Duration.ofHours(1) : load.duration(), load.jobs(), "");
        BenchResult result = meter.result(mode, backend, load);
        synchronized (stop) {
            stop[0] = true;
        }
        for (Thread t : senders) {
            t.join(5000);
        }
        for (Semaphore w : windows) {
            w.tryAcquire(load.inFlight(), 10, TimeUnit.SECONDS); // let the last round trips end before closing
        }
        if (progress != null) {
            progress.println();
            progress.flush();
        }
        return result;
    }

    private static void send(BenchTarget.Lane lane, Semaphore window, AtomicLong budget, byte[] payload, boolean[] stop,
            BenchMeter meter) {
        try {
            while (!stopped(stop)) {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                if (budget.getAndDecrement() <= 0) {
                    window.release();
                    break;
                }
                lane.send(payload, System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            meter.failed();
        }
    }

    private static boolean stopped(boolean[] stop) {
        synchronized (stop) {
            return stop[0];
        }
    }

    /** Waits for {@code length} or {@code jobs} round trips, printing the progress line every second. */
    private void tick(String mode, BenchMeter meter, long since, Duration length, long jobs, String phase)
            throws InterruptedException {
        long end = since + length.toNanos();
        long lastCount = 0;
        long lastAt = since;
        while (true) {
            long now = System.nanoTime();
            long count = meter.completed();
            if (now >= end || (jobs > 0 && count >= jobs)) {
                return;
            }
            if (meter.completed() == 0 && meter.errors() == 0 && now - since > NOTHING_BACK.toNanos()
                    && phase.equals("warm-up")) {
                throw new TasqException("no job came back within " + NOTHING_BACK.toSeconds() + " s: is a worker up, "
                        + "with the same signing key?", null, false);
            }
            Thread.sleep(Math.max(1, Math.min(jobs > 0 ? 20 : 1000, (end - now) / 1_000_000)));
            now = System.nanoTime();
            if (now - lastAt >= 1_000_000_000L) {
                Histogram h = meter.interval();
                count = meter.completed();
                double rate = (count - lastCount) / ((now - lastAt) / 1e9);
                if (progress != null) {
                    progress.printf(Locale.ROOT, "\r%-4s %-7s %5.0f s %,11d jobs %,10.0f jobs/s  p50 %-8s p99 %-8s %s",
                            mode, phase, (now - since) / 1e9, count, rate, BenchResult.t(h.getValueAtPercentile(50) / 1e3),
                            BenchResult.t(h.getValueAtPercentile(99) / 1e3), meter.errors() > 0 ? meter.errors() + " errors" : "");
                    progress.flush();
                }
                lastCount = count;
                lastAt = now;
            }
        }
    }
}
