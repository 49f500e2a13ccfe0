package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.schedule.MemoryScheduleStore;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepeatingStepTest {

    private final StepFixture fx = new StepFixture();
    private final MemoryScheduleStore store = new MemoryScheduleStore(r -> { });
    private final RepeatingStep step = new RepeatingStep("w", fx.clock, store, fx.admission, fx.replies);

    private static JobEnvelope repeating(String schedule) {
        return new JobEnvelope("r1", "nightly", "client-1", StepFixture.NOW, 0, schedule, Map.of(), "fory",
                new byte[0]).forQueue(StepFixture.QUEUE, StepFixture.NOW + 60_000);
    }

    @Test
    void theFirstArrivalIsRegisteredWithTheStoreAndAcknowledged() {
        JobInFlight job = fx.checked(repeating("10s"), 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(store.list()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("nightly");
            assertThat(r.nextRunMillis()).isEqualTo(StepFixture.NOW + 10_000);
        });
        assertThat(StepFixture.delivery(job).settled).containsExactly("ack");
    }

    @Test
    void aScheduleThatDoesNotParseIsRefused() {
        JobInFlight job = fx.checked(repeating("now and then"), 1);
        step.apply(job, fx.rest);
        assertThat(store.list()).isEmpty();
        assertThat(fx.sent()).singleElement().extracting(r -> r.status()).isEqualTo(ResultStatus.REJECTED);
        assertThat(StepFixture.delivery(job).settled).singleElement().asString().startsWith("reject: ");
    }

    @Test
    void aStoreThatCannotTakeItNowHasTheRegistrationHandedBack() {
        RepeatingStep failing = new RepeatingStep("w", fx.clock, new ScheduleStore() {
            @Override
            public void add(Recurring job) {
                throw new IllegalStateException("store down");
            }

            @Override
            public boolean remove(String name) {
                return false;
            }

            @Override
            public List<Recurring> due(long nowMillis, int max) {
                return List.of();
            }

            @Override
            public boolean fire(Recurring job, long nextRunMillis) {
                return false;
            }

            @Override
            public List<Recurring> list() {
                return List.of();
            }
        }, fx.admission, fx.replies);
        JobInFlight job = fx.checked(repeating("10s"), 1);
        failing.apply(job, fx.rest);
        assertThat(StepFixture.delivery(job).settled).containsExactly("release");
    }

    @Test
    void aFiredRunAndAJobThatDoesNotRepeatPass() {
        JobInFlight once = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        step.apply(once, fx.rest);
        JobInFlight run = fx.held(repeating("10s"), 1, 3);
        step.apply(run, fx.rest);
        assertThat(fx.rest.passed).containsExactly(once, run);
        assertThat(store.list()).isEmpty();
    }
}
