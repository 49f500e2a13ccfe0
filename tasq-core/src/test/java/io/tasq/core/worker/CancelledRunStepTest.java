package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CancelledRunStepTest {

    private final StepFixture fx = new StepFixture();
    private final Cancellations cancellations = new Cancellations("w", fx.clock, fx.held,
            (job, attempt, run) -> null, fx.consumer, fx.replies, fx.stats);
    private final CancelledRunStep step = new CancelledRunStep("w", cancellations, fx.stats);

    private JobInFlight failed(String id) {
        JobInFlight job = fx.checked(StepFixture.envelope(id, Map.of("retries", "3")), 1);
        job.ran(new Execution.Ran(ResultEnvelope.failed(ResultEnvelope.Origin.of(job.env(), "w", 1, 1), 1, 77,
                new byte[0]), null, true));
        return job;
    }

    @Test
    void aRunThatFailedBecauseItsClientCancelledItEndsCancelledAndIsNotRetried() {
        cancellations.cancel("j1");
        JobInFlight job = failed("j1");
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
        ResultEnvelope r = job.ran().result();
        assertThat(r.status()).isEqualTo(ResultStatus.CANCELLED);
        assertThat(r.execNanos()).isEqualTo(77);
        assertThat(RemoteErrors.decode(r.payload())).hasMessage("cancelled by its client while it ran");
        assertThat(job.failed()).isFalse();
        assertThat(fx.stats.cancelled.get()).isEqualTo(1);
    }

    @Test
    void aFailureOfAJobNobodyCancelledStaysAFailure() {
        JobInFlight job = failed("j2");
        step.apply(job, fx.rest);
        assertThat(job.ran().result().status()).isEqualTo(ResultStatus.FAILED);
    }
}
