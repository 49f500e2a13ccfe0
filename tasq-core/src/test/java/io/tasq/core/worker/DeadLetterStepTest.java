package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.ResultEnvelope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterStepTest {

    private final StepFixture fx = new StepFixture();
    private final DeadLetterStep step = new DeadLetterStep(fx.admission, fx.stats);

    private JobInFlight failed(Map<String, String> options, int attempt, boolean retryable) {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", options), attempt);
        job.ran(new Execution.Ran(ResultEnvelope.failed(ResultEnvelope.Origin.of(job.env(), "w", attempt, 1), 1, 2,
                new byte[0]), null, retryable));
        return job;
    }

    @Test
    void aJobWhoseRetriesAreSpentIsDeadLetteredSayingAfterHowManyAttempts() {
        JobInFlight job = failed(Map.of("retries", "2"), 3, true);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
        assertThat(job.ran().refusal()).isEqualTo("failed after 3 attempts");
        assertThat(fx.stats.deadLettered.get()).isEqualTo(1);
    }

    @Test
    void aJobThatSaidNotToRetryIsDeadLetteredSayingSo() {
        JobInFlight job = failed(Map.of("retries", "2"), 1, false);
        step.apply(job, fx.rest);
        assertThat(job.ran().refusal()).isEqualTo("failed after 1 attempt (the job said not to retry)");
    }

    @Test
    void aJobWithoutRetriesThatFailsIsOnlyAnswered() {
        JobInFlight job = failed(Map.of(), 1, true);
        step.apply(job, fx.rest);
        assertThat(job.ran().refusal()).isNull();
        assertThat(fx.stats.deadLettered.get()).isZero();
    }
}
