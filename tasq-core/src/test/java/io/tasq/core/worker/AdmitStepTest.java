package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.JobEnvelope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmitStepTest {

    private final StepFixture fx = new StepFixture();
    private final AdmitStep step = new AdmitStep("w", fx.admission, fx.stats);

    @Test
    void theFirstCopyIsAdmittedAndASecondIsDroppedQuietly() {
        JobEnvelope env = StepFixture.envelope("j1", Map.of());
        JobInFlight first = fx.checked(env, 1);
        step.apply(first, fx.rest);
        assertThat(fx.rest.passed).containsExactly(first);

        JobInFlight copy = fx.checked(env, 1);
        step.apply(copy, fx.rest);
        assertThat(fx.rest.passed).containsExactly(first);
        assertThat(StepFixture.delivery(copy).settled).containsExactly("ack");
        assertThat(fx.stats.duplicates.get()).isEqualTo(1);
    }

    @Test
    void aJobForAnotherQueueGoesToTheDeadLettersWithNoReply() {
        JobEnvelope env = StepFixture.envelope("j1", Map.of()).forQueue("payments", StepFixture.NOW + 1_000);
        JobInFlight job = fx.checked(env, 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(StepFixture.delivery(job).settled).singleElement().asString().startsWith("reject: ")
                .contains("queue 'payments'");
        assertThat(fx.consumer.sent).isEmpty();
        assertThat(fx.stats.rejected.get()).isEqualTo(1);
        assertThat(fx.stats.deadLettered.get()).isEqualTo(1);
    }

    @Test
    void aHeldJobWasAdmittedAlreadyAndPasses() {
        JobInFlight job = fx.held(StepFixture.envelope("j1", Map.of()), 1, 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }
}
