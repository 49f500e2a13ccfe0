package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.ResultEnvelope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobInFlightTest {

    private final StepFixture fx = new StepFixture();

    @Test
    void aDeliveryRunsAsRunOneAndAHeldJobKeepsItsRun() {
        assertThat(fx.checked(StepFixture.envelope("j1", Map.of()), 1).run()).isEqualTo(1);
        assertThat(fx.held(StepFixture.envelope("j1", Map.of()), 1, 4).run()).isEqualTo(4);
        assertThat(fx.held(StepFixture.envelope("j1", Map.of()), 1, 4).fresh()).isFalse();
    }

    @Test
    void onlyARunThatFailedOrTimedOutCountsAsFailed() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        assertThat(job.failed()).isFalse(); // it has not run
        ResultEnvelope.Origin o = ResultEnvelope.Origin.of(job.env(), "w", 1, 1);
        job.ran(new Execution.Ran(ResultEnvelope.failed(o, 1, 1, new byte[0]), null));
        assertThat(job.failed()).isTrue();
        job.ran(new Execution.Ran(ResultEnvelope.timedOut(o, 1, 1, new byte[0]), null));
        assertThat(job.failed()).isTrue();
        job.ran(new Execution.Ran(ResultEnvelope.failed(o, 1, 1, new byte[0]), "refused"));
        assertThat(job.failed()).isFalse();
        job.ran(new Execution.Ran(ResultEnvelope.cancelled(o, 1, 1, new byte[0]), null));
        assertThat(job.failed()).isFalse();
    }
}
