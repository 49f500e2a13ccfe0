package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.JobEnvelope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DelayStepTest {

    private final StepFixture fx = new StepFixture();
    private final DelayStep step = new DelayStep(fx.clock, fx.held, fx.admission, fx.stats);

    private static JobEnvelope notBefore(long at) {
        return new JobEnvelope("j1", "later", "client-1", StepFixture.NOW, at, "", Map.of(), "fory", new byte[0])
                .forQueue(StepFixture.QUEUE, StepFixture.NOW + 60_000);
    }

    @Test
    void aJobWhoseTimeHasComePasses() {
        JobInFlight job = fx.checked(notBefore(StepFixture.NOW), 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }

    @Test
    void anEarlyJobIsHeldByTheBackendWhenItCan() {
        JobInFlight job = fx.checked(notBefore(StepFixture.NOW + 5_000), 1);
        StepFixture.delivery(job).backendHolds = true;
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(StepFixture.delivery(job).settled).containsExactly("defer");
        assertThat(fx.held.size()).isZero();
        assertThat(fx.stats.delayed.get()).isEqualTo(1);
    }

    @Test
    void anEarlyJobTheBackendCannotHoldIsAcknowledgedAndHeldByTheWorker() {
        JobInFlight job = fx.checked(notBefore(StepFixture.NOW + 5_000), 1);
        step.apply(job, fx.rest);
        assertThat(StepFixture.delivery(job).settled).containsExactly("defer", "ack");
        assertThat(fx.held.size()).isEqualTo(1);
    }

    @Test
    void aHeldJobThatComesDueIsNeverHeldAgain() {
        JobInFlight job = fx.held(notBefore(StepFixture.NOW + 5_000), 1, 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }
}
