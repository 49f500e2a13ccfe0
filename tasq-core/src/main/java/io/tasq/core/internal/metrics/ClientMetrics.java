package io.tasq.core.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * A client's Micrometer meters: {@code tasq.client.jobs.submitted} (counter),
 * {@code tasq.client.jobs.completed} (counter, tag {@code outcome}: succeeded, failed, rejected,
 * timed-out, cancelled) and {@code tasq.client.job.latency} (timer, submission to result, the
 * end-to-end latency), tagged with the client id and queue. Thread-safe.
 */
public final class ClientMetrics {

    private final Counter submitted;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter rejected;
    private final Counter timedOut;
    private final Counter cancelled;
    private final Timer latency;

    public ClientMetrics(MeterRegistry registry, String clientId, String queue) {
        Tags tags = Tags.of("client", clientId, "queue", queue);
        this.submitted = Counter.builder("tasq.client.jobs.submitted").tags(tags).register(registry);
        this.succeeded = completed(registry, tags, "succeeded");
        this.failed = completed(registry, tags, "failed");
        this.rejected = completed(registry, tags, "rejected");
        this.timedOut = completed(registry, tags, "timed-out");
        this.cancelled = completed(registry, tags, "cancelled");
        this.latency = Timer.builder("tasq.client.job.latency").description("from submission to result")
                .tags(tags).publishPercentileHistogram().register(registry);
    }

    private static Counter completed(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder("tasq.client.jobs.completed").tags(tags).tag("outcome", outcome).register(registry);
    }

    public void submitted() {
        submitted.increment();
    }

    /** A job's final outcome, {@code nanos} after it was submitted. */
    public void completed(String outcome, long nanos) {
        switch (outcome) {
            case "succeeded" -> succeeded.increment();
            case "rejected" -> rejected.increment();
            case "timed-out" -> timedOut.increment();
            case "cancelled" -> cancelled.increment();
            default -> failed.increment();
        }
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
