package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UniqueStepTest {

    private final StepFixture fx = new StepFixture();
    private final MemoryUniqueLocks locks = new MemoryUniqueLocks(fx.clock);
    private final UniqueStep step = new UniqueStep(locks, fx.replies);

    @Test
    void aJobWithoutAKeyPasses() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }

    @Test
    void aTwinFollowsTheHolderAndGetsItsFinalResultWhenTheKeyIsReleased() {
        JobInFlight holder = fx.checked(StepFixture.envelope("j1", Map.of("unique", "report")), 1);
        step.apply(holder, fx.rest);
        assertThat(fx.rest.passed).containsExactly(holder);

        JobInFlight twin = fx.checked(StepFixture.envelope("j2", Map.of("unique", "report")), 1);
        step.apply(twin, fx.rest);
        assertThat(fx.rest.passed).containsExactly(holder); // it does not run
        assertThat(StepFixture.delivery(twin).settled).containsExactly("ack");

        ResultEnvelope result = ResultEnvelope.succeeded(ResultEnvelope.Origin.of(holder.env(), "w", 1, 1), 5, 7,
                "fory", new byte[] {42});
        holder.finished(result);
        assertThat(fx.sent()).singleElement().satisfies(copy -> {
            assertThat(copy.jobId()).isEqualTo("j2");
            assertThat(copy.name()).isEqualTo("job-j2");
            assertThat(copy.status()).isEqualTo(ResultStatus.OK);
            assertThat(copy.payload()).containsExactly(42);
        });

        JobInFlight later = fx.checked(StepFixture.envelope("j3", Map.of("unique", "report")), 1);
        step.apply(later, fx.rest);
        assertThat(fx.rest.passed).containsExactly(holder, later); // the key was free again
    }
}
