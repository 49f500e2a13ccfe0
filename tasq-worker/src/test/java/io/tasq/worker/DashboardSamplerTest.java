package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's series, from heartbeats the test scripts, on a clock it drives. */
class DashboardSamplerTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    /** An admin that answers what the test last set. */
    private static final class ScriptedAdmin implements QueueAdmin {
        volatile List<WorkerInfo> workers = List.of();
        volatile QueueStats stats = new QueueStats(0, 0, 0, 0);
        volatile RuntimeException failure;

        @Override
        public List<WorkerInfo> workers() {
            if (failure != null) {
                throw failure;
            }
            return workers;
        }

        @Override
        public QueueStats stats() {
            return stats;
        }
    }

    private static WorkerInfo beat(String id, long at, long succeeded, long failed, double p50, double p99) {
        return new WorkerInfo(id, "host", 1, "zmq://x", "actor", 2, 0, succeeded, failed, 0, 0, 0, at, 500, p50, p99);
    }

    private final TestClock clock = new TestClock();
    private final ScriptedAdmin admin = new ScriptedAdmin();
    private final DashboardSampler sampler = new DashboardSampler(admin, clock, Duration.ofMinutes(1));

    @Test
    void ratesComeFromSuccessiveHeartbeatsOfEachWorker() {
        admin.workers = List.of(beat("a", 1_000, 10, 0, 5, 9), beat("b", 1_000, 0, 0, 0, 0));
        sampler.sample();
        assertThat(last().ok()).as("one heartbeat says nothing about a rate").isZero();

        admin.workers = List.of(beat("a", 3_000, 30, 2, 5, 9), beat("b", 2_000, 5, 0, 20, 50));
        clock.millis.addAndGet(1_000);
        sampler.sample();
        DashboardSampler.Point p = last();
        assertThat(p.ok()).isCloseTo(10 + 5, within(1e-9)); // a: 20 in 2 s; b: 5 in 1 s
        assertThat(p.failed()).isCloseTo(1, within(1e-9));
        assertThat(p.p50()).as("weighted by each worker's rate").isCloseTo((5 * 11 + 20 * 5) / 16.0, within(1e-9));
        assertThat(p.p99()).isEqualTo(50);
        assertThat(p.workers()).isEqualTo(2);

        // no new heartbeat: the rates hold until one comes
        clock.millis.addAndGet(1_000);
        sampler.sample();
        assertThat(last().ok()).isCloseTo(15, within(1e-9));
    }

    @Test
    void aWorkerThatLeftNoLongerCountsAndPointsOlderThanTheWindowGo() {
        admin.workers = List.of(beat("a", 1_000, 0, 0, 1, 1));
        sampler.sample();
        admin.workers = List.of(beat("a", 2_000, 100, 0, 1, 1));
        clock.millis.addAndGet(1_000);
        sampler.sample();
        assertThat(last().ok()).isEqualTo(100);
        admin.workers = List.of();
        admin.stats = new QueueStats(7, 1, 2, 3);
        clock.millis.addAndGet(1_000);
        sampler.sample();
        assertThat(last().ok()).isZero();
        assertThat(last().waiting()).isEqualTo(7);
        assertThat(sampler.snapshot().depth().deadLetters()).isEqualTo(3);
        assertThat(sampler.snapshot().series()).hasSize(3);

        clock.millis.addAndGet(Duration.ofSeconds(61).toMillis());
        sampler.sample();
        assertThat(sampler.snapshot().series()).as("a one-minute window").hasSize(1);
    }

    @Test
    void anUnreachableQueueIsReportedNotThrownAndTheSeriesIsKept() {
        admin.workers = List.of(beat("a", 1_000, 0, 0, 1, 1));
        sampler.sample();
        admin.failure = new IllegalStateException("no answer within 10 s");
        sampler.sample();
        DashboardSampler.Snapshot s = sampler.snapshot();
        assertThat(s.error()).contains("no answer within 10 s");
        assertThat(s.workers()).isEmpty();
        assertThat(s.series()).hasSize(1);
        admin.failure = null;
        sampler.sample();
        assertThat(sampler.snapshot().error()).isNull();
    }

    @Test
    void aBackendWithoutAdminSaysSo() {
        DashboardSampler none = new DashboardSampler(null, clock, Duration.ofMinutes(1));
        none.sample();
        assertThat(none.snapshot().error()).contains("cannot list its workers");
        assertThat(none.snapshot().depth()).isEqualTo(QueueStats.UNKNOWN);
    }

    private DashboardSampler.Point last() {
        List<DashboardSampler.Point> series = sampler.snapshot().series();
        return series.get(series.size() - 1);
    }
}
