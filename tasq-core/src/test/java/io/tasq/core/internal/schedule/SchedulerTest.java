package io.tasq.core.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.spi.Recurring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    /** A clock a test moves by hand. */
    static final class HandClock extends Clock {
        Instant now = T0;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static byte[] envelope(String schedule) {
        return JobCodec.encode(new JobEnvelope("job-1", "report", "client-1", T0.toEpochMilli(), 0, schedule, Map.of(),
                "fory", new byte[] {1}), null);
    }

    @Test
    void firesEachDueRunOnceAndMovesToTheNextTick() {
        HandClock clock = new HandClock();
        List<Long> fired = new CopyOnWriteArrayList<>();
        MemoryScheduleStore store = new MemoryScheduleStore(r -> fired.add(r.lastRun()));
        store.add(new Recurring("report", "job-1", "client-1", envelope("PT10S"), T0.plusSeconds(10).toEpochMilli(), 0));
        try (Scheduler s = new Scheduler("w", store, clock, 1 << 20, Duration.ofHours(1))) {
            s.tick();
            assertThat(fired).isEmpty(); // not due yet
            clock.now = T0.plusSeconds(10);
            s.tick();
            s.tick(); // the same tick twice fires once
            assertThat(fired).containsExactly(1L);
            assertThat(store.list().get(0).nextRunMillis()).isEqualTo(T0.plusSeconds(20).toEpochMilli());
            clock.now = T0.plusSeconds(20);
            s.tick();
            assertThat(fired).containsExactly(1L, 2L);
        }
    }

    @Test
    void runsMissedWhileNoWorkerWasUpAreCoalescedIntoOne() {
        HandClock clock = new HandClock();
        List<Long> fired = new CopyOnWriteArrayList<>();
        MemoryScheduleStore store = new MemoryScheduleStore(r -> fired.add(r.lastRun()));
        store.add(new Recurring("report", "job-1", "client-1", envelope("PT10S"), T0.plusSeconds(10).toEpochMilli(), 0));
        try (Scheduler s = new Scheduler("w", store, clock, 1 << 20, Duration.ofHours(1))) {
            clock.now = T0.plusSeconds(55); // the runs due at 10, 20, 30, 40, 50 were missed
            s.tick();
            s.tick();
            assertThat(fired).containsExactly(1L);
            // and the schedule goes on from the next tick after now, not from the missed ones
            assertThat(store.list().get(0).nextRunMillis()).isEqualTo(T0.plusSeconds(65).toEpochMilli());
        }
    }

    @Test
    void twoSchedulersOnOneStoreFireEachRunOnce() {
        HandClock clock = new HandClock();
        List<Long> fired = new CopyOnWriteArrayList<>();
        MemoryScheduleStore store = new MemoryScheduleStore(r -> fired.add(r.lastRun()));
        store.add(new Recurring("report", "job-1", "client-1", envelope("PT1S"), T0.plusSeconds(1).toEpochMilli(), 0));
        try (Scheduler a = new Scheduler("a", store, clock, 1 << 20, Duration.ofHours(1));
                Scheduler b = new Scheduler("b", store, clock, 1 << 20, Duration.ofHours(1))) {
            for (int i = 1; i <= 50; i++) {
                clock.now = T0.plusSeconds(i);
                List<Recurring> seenByA = store.due(clock.millis(), 10);
                b.tick(); // b fires first; a's view of the job is now stale
                for (Recurring r : seenByA) {
                    assertThat(store.fire(r, a.nextRun(r, clock.millis()))).isFalse();
                }
            }
            assertThat(fired).hasSize(50).doesNotHaveDuplicates();
        }
    }

    @Test
    void cronRunsFollowTheExpression() {
        HandClock clock = new HandClock();
        List<Long> fired = new CopyOnWriteArrayList<>();
        MemoryScheduleStore store = new MemoryScheduleStore(r -> fired.add(r.lastRun()));
        Schedule cron = Schedule.parse("0 */15 * * * *");
        store.add(new Recurring("q", "job-1", "client-1", envelope(cron.canonical()),
                cron.nextAfter(T0).toEpochMilli(), 0));
        try (Scheduler s = new Scheduler("w", store, clock, 1 << 20, Duration.ofHours(1))) {
            clock.now = T0.plus(Duration.ofMinutes(15));
            s.tick();
            assertThat(fired).containsExactly(1L);
            assertThat(Instant.ofEpochMilli(store.list().get(0).nextRunMillis())).isEqualTo(T0.plus(Duration.ofMinutes(30)));
        }
    }
}
