package io.tasq.worker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Round trips counted and timed for one bench run. Lanes call {@link #done} from whatever thread
 * the answer arrives on (HdrHistogram's {@link Recorder} is wait-free for writers); the progress
 * thread folds intervals into the total.
 */
final class BenchMeter {

    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Recorder recorder = new Recorder(MAX_NANOS, 3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private Histogram total = new Histogram(MAX_NANOS, 3);
    private Histogram interval;
    private long baseCompleted;
    private long startedNanos = System.nanoTime();
    private BenchCpu cpuAtStart = BenchCpu.snapshot();

    void done(long startNanos) {
        long d = System.nanoTime() - startNanos;
        recorder.recordValue(Math.min(Math.max(d, 0), MAX_NANOS));
        completed.increment();
    }

    void failed() {
        errors.increment();
    }

    long completed() {
        return completed.sum() - baseCompleted;
    }

    long errors() {
        return errors.sum();
    }

    /** Forgets everything recorded so far (the warm-up). */
    synchronized void reset() {
        interval = recorder.getIntervalHistogram(interval);
        total = new Histogram(MAX_NANOS, 3);
        baseCompleted = completed.sum();
        errors.reset();
        startedNanos = System.nanoTime();
        cpuAtStart = BenchCpu.snapshot();
    }

    /** The round trips since the last call, added to the total too. */
    synchronized Histogram interval() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return interval;
    }

    /** Everything since {@link #reset}, with the elapsed seconds. */
    synchronized BenchResult result(String mode, String backend, BenchCommand.Load load) {
        interval();
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long jobs = completed();
        return BenchResult.of(mode, backend, load, total.copy(), jobs, errors(), seconds,
                BenchCpu.since(cpuAtStart, jobs));
    }
}
