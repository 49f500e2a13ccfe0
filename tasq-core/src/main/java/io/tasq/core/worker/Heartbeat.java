package io.tasq.core.worker;

import io.tasq.core.internal.metrics.WorkerMetrics;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the backend, every interval, that the worker is alive (and what it did), and reads the
 * queue's depth for the metrics where a broker keeps the queue. On its own thread: asking the backend
 * about the queue may take a while, and must not delay held jobs. A failure is logged once, not every
 * interval, and never stops the beats. Thread-safe.
 */
final class Heartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final String workerId;
    private final Backend backend;
    private final JobConsumer consumer;
    private final WorkerMetrics metrics;
    private final Supplier<WorkerInfo> info;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tasq-heartbeat");
        t.setDaemon(true);
        return t;
    });
    /** Whether the last beat failed, so that a failure is logged once. */
    private volatile boolean failed;

    Heartbeat(String workerId, Backend backend, JobConsumer consumer, WorkerMetrics metrics, Supplier<WorkerInfo> info) {
        this.workerId = workerId;
        this.backend = backend;
        this.consumer = consumer;
        this.metrics = metrics;
        this.info = info;
    }

    /** Beats now, then every {@code interval}. */
    void start(Duration interval) {
        thread.scheduleWithFixedDelay(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        thread.shutdownNow();
    }

    private void beat() {
        // nothing may escape: an executor stops a periodic task for good once it throws
        try {
            consumer.heartbeat(info.get());
            failed = false;
        } catch (RuntimeException | LinkageError e) {
            if (!failed) {
                LOG.warn("worker {} could not announce itself (it drops off the list of live workers until it can)",
                        workerId, e);
            }
            failed = true;
            return;
        }
        if (!backend.capabilities().contains(BackendCapability.DURABLE)) {
            return; // a brokerless queue's depth is in its clients: nothing to read here
        }
        try {
            backend.feature(QueueAdmin.class).ifPresent(a -> {
                QueueStats q = a.stats();
                metrics.depth(q.waiting(), q.inFlight(), q.delayed(), q.deadLetters());
            });
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("worker {} could not read the queue's depth: {}", workerId, e.toString());
        }
    }
}
