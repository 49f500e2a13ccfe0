package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CancelledStepTest {

    private final StepFixture fx = new StepFixture();
    private final Cancellations cancellations = new Cancellations("w", fx.clock, fx.held,
            (job, attempt, run) -> null, fx.consumer, fx.replies, fx.stats);
    private final CancelledStep step = new CancelledStep("w", cancellations, fx.replies, fx.stats);

    @Test
    void aJobNobodyCancelledPasses() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }

    @Test
    void aJobCancelledBeforeItArrivedNeverRunsAndItsClientIsTold() {
        cancellations.cancel("j1");
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 2);
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(StepFixture.delivery(job).settled).containsExactly("complete");
        assertThat(fx.sent()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(ResultStatus.CANCELLED);
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.run()).isEqualTo(1);
            assertThat(RemoteErrors.decode(r.payload())).hasMessage("cancelled by its client before it started");
        });
        assertThat(fx.stats.cancelled.get()).isEqualTo(1);
    }
}
