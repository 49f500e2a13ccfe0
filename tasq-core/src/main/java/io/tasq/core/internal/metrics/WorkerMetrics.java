package io.tasq.core.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * A worker's Micrometer meters, tagged with its worker id and queue. The counters read the worker's
 * own counters when scraped, so counting costs the job path nothing more than it already does; the
 * run time is a timer recorded once per run.
 *
 * <p>Meters: {@code tasq.worker.jobs} (counter, tag {@code outcome}: received, succeeded, failed,
 * rejected, retried, timed-out, cancelled, dead-lettered), {@code tasq.worker.jobs.running} and
 * {@code tasq.worker.jobs.held} (gauges), {@code tasq.worker.job.run} (timer),
 * {@code tasq.queue.depth} (gauge, tag {@code state}: waiting, in-flight, delayed, dead; where the
 * backend can tell). Thread-safe.
 */
public final class WorkerMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer runTime;
    /**
     * The run time again, in a registry of its own, for the heartbeat's percentiles: the meters may
     * go to the global registry, which records nothing until a registry joins it.
     */
    private final Timer heartbeatRunTime = Timer.builder("tasq.worker.job.run").publishPercentiles(0.5, 0.99)
            .distributionStatisticExpiry(Duration.ofMinutes(2)).register(new SimpleMeterRegistry());
    private final AtomicLong[] depth = {new AtomicLong(-1), new AtomicLong(-1), new AtomicLong(-1), new AtomicLong(-1)};

    public WorkerMetrics(MeterRegistry registry, String workerId, String queue) {
        this.registry = registry;
        this.tags = Tags.of("worker", workerId, "queue", queue);
        this.runTime = Timer.builder("tasq.worker.job.run").description("how long jobs ran on this worker")
                .tags(tags).publishPercentileHistogram().publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(2)).register(registry);
        String[] states = {"waiting", "in-flight", "delayed", "dead"};
        for (int i = 0; i < states.length; i++) {
            AtomicLong v = depth[i];
            Gauge.builder("tasq.queue.depth", v, a -> a.get() < 0 ? Double.NaN : a.get())
                    .description("jobs in the queue, by state, where the backend can tell")
                    .tags(tags).tag("state", states[i]).register(registry);
        }
    }

    /** Registers a counter of jobs with this outcome, read from {@code source}. */
    public <T> void outcome(String outcome, T source, ToDoubleFunction<T> count) {
        FunctionCounter.builder("tasq.worker.jobs", source, count).description("jobs by outcome")
                .tags(tags).tag("outcome", outcome).register(registry);
    }

    /** Registers a gauge read from {@code source}. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).tags(tags).register(registry);
    }

    /** Records one run. */
    public void ran(long nanos) {
        runTime.record(Duration.ofNanos(nanos));
        heartbeatRunTime.record(Duration.ofNanos(nanos));
    }

    /** The median and 99th percentile run times over the last minutes, in milliseconds. */
    public double[] runPercentilesMillis() {
        double p50 = 0;
        double p99 = 0;
        for (var v : heartbeatRunTime.takeSnapshot().percentileValues()) {
            if (v.percentile() == 0.5) {
                p50 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        return new double[] {p50, p99};
    }

    /** Sets the queue depth figures; -1 for unknown. */
    public void depth(long waiting, long inFlight, long delayed, long dead) {
        depth[0].set(waiting);
        depth[1].set(inFlight);
        depth[2].set(delayed);
        depth[3].set(dead);
    }
}
