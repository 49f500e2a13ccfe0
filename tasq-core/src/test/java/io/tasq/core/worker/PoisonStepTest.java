package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoisonStepTest {

    private final StepFixture fx = new StepFixture();
    /** Two crashes allowed: a job with one retry may be delivered 1 + 1 + 2 = 4 times. */
    private final PoisonStep step = new PoisonStep("w", 2, fx.clock, fx.admission, fx.replies, fx.stats);

    @Test
    void aJobWithinItsRetriesAndCrashesPasses() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of("retries", "1")), 4);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }

    @Test
    void aJobDeliveredOnceTooOftenIsDeadLetteredAndItsClientToldWhy() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of("retries", "1")), 5);
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(StepFixture.delivery(job).settled).singleElement().asString().startsWith("reject: ")
                .contains("delivered 5 times", "poison");
        assertThat(fx.sent()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(ResultStatus.REJECTED);
            assertThat(RemoteErrors.decode(r.payload()).getMessage()).contains("a poison job");
        });
        assertThat(fx.stats.deadLettered.get()).isEqualTo(1);
        assertThat(fx.stats.rejected.get()).isEqualTo(1);
    }

    @Test
    void aHeldJobIsNotCountedAsADelivery() {
        JobInFlight job = fx.held(StepFixture.envelope("j1", Map.of()), 9, 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }
}
