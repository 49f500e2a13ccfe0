package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.DoNotRetry;
import io.tasq.NonRetryable;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.JobPolicy;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryStepTest {

    private final StepFixture fx = new StepFixture();
    /** The jitter's draw, set by each test. */
    private double random;
    private final RetryStep step = new RetryStep(fx.clock, () -> random, fx.admission, fx.replies, fx.stats);

    private static final Map<String, String> THREE_RETRIES = Map.of("retries", "3", "backoff", "PT0.1S",
            "backoff-max", "PT0.3S");

    private static JobPolicy policy(long backoffMillis, long maxMillis) {
        return new JobPolicy(5, Duration.ofMillis(backoffMillis), Duration.ofMillis(maxMillis), null, null, null);
    }

    private static Execution.Ran failed(JobInFlight job, Throwable t) {
        return new Execution.Ran(ResultEnvelope.failed(ResultEnvelope.Origin.of(job.env(), "w", job.attempt(),
                job.run()), StepFixture.NOW, 5, RemoteErrors.encode(t)), null, LocalExecution.retryable(t));
    }

    private JobInFlight ranAndFailed(Map<String, String> options, int attempt, Throwable t) {
        JobEnvelope env = StepFixture.envelope("j1", options);
        JobInFlight job = fx.checked(env, attempt);
        job.ran(failed(job, t));
        return job;
    }

    @Test
    void theBackoffDoublesFromTheInitialWaitUntilItsCapWithNoJitterAtTheTopOfItsRange() {
        JobPolicy p = policy(100, 1_000);
        assertThat(RetryStep.backoffMillis(p, 1, 1.0)).isEqualTo(100);
        assertThat(RetryStep.backoffMillis(p, 2, 1.0)).isEqualTo(200);
        assertThat(RetryStep.backoffMillis(p, 3, 1.0)).isEqualTo(400);
        assertThat(RetryStep.backoffMillis(p, 4, 1.0)).isEqualTo(800);
        assertThat(RetryStep.backoffMillis(p, 5, 1.0)).isEqualTo(1_000);
        assertThat(RetryStep.backoffMillis(p, 50, 1.0)).isEqualTo(1_000); // the exponent stops growing at 30
    }

    @Test
    void theJitterTakesOffAtMostHalfOfTheWait() {
        JobPolicy p = policy(100, 1_000);
        assertThat(RetryStep.backoffMillis(p, 3, 0.0)).isEqualTo(200);
        assertThat(RetryStep.backoffMillis(p, 3, 0.5)).isEqualTo(300);
        assertThat(RetryStep.backoffMillis(p, 5, 0.0)).isEqualTo(500);
        for (double r = 0; r < 1; r += 0.01) {
            assertThat(RetryStep.backoffMillis(p, 2, r)).isBetween(100L, 200L);
        }
        assertThat(RetryStep.backoffMillis(policy(1, 1), 1, 0.0)).isEqualTo(1); // never under a millisecond
    }

    @Test
    void aFailedAttemptWithRetriesLeftIsRetriedAfterItsBackoffByTheClock() {
        random = 0.5;
        JobInFlight job = ranAndFailed(THREE_RETRIES, 2, new IllegalStateException("flaky"));
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        // attempt 2: 100 ms x 2 = 200 ms, with the jitter at 0.5: 150 ms after the injected clock's now
        assertThat(StepFixture.delivery(job).retryAt).isEqualTo(StepFixture.NOW + 150);
        assertThat(fx.sent()).singleElement().satisfies(notice -> {
            assertThat(notice.status()).isEqualTo(ResultStatus.RETRYING);
            assertThat(notice.attempt()).isEqualTo(2);
            assertThat(RemoteErrors.decode(notice.payload())).hasMessage("flaky");
        });
        assertThat(fx.stats.retried.get()).isEqualTo(1);
    }

    @Test
    void aRetryTheBackendCannotHoldIsHeldByTheWorkerAsTheNextAttempt() {
        random = 1.0;
        JobInFlight job = ranAndFailed(THREE_RETRIES, 1, new IllegalStateException("flaky"));
        step.apply(job, fx.rest);
        assertThat(StepFixture.delivery(job).settled).containsExactly("retry", "ack");
        assertThat(fx.held.size()).isEqualTo(1);
    }

    @Test
    void theLastAttemptIsNotRetried() {
        JobInFlight job = ranAndFailed(THREE_RETRIES, 4, new IllegalStateException("flaky"));
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
        assertThat(fx.consumer.sent).isEmpty();
    }

    @Test
    void aJobThatThrowsDoNotRetryIsNotRetried() {
        JobInFlight job = ranAndFailed(THREE_RETRIES, 1, new DoNotRetry("bad input"));
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
        assertThat(fx.stats.retried.get()).isZero();
    }

    /** An application's own exception that says retrying cannot help. */
    static final class BadInput extends RuntimeException implements NonRetryable {
        BadInput(String message) {
            super(message);
        }
    }

    @Test
    void aJobThatThrowsItsOwnNonRetryableExceptionOrOneCausedByItIsNotRetried() {
        JobInFlight direct = ranAndFailed(THREE_RETRIES, 1, new BadInput("no such customer"));
        step.apply(direct, fx.rest);
        JobInFlight wrapped = ranAndFailed(THREE_RETRIES, 1,
                new IllegalStateException("lookup failed", new BadInput("no such customer")));
        step.apply(wrapped, fx.rest);
        assertThat(fx.rest.passed).containsExactly(direct, wrapped);
        assertThat(fx.consumer.sent).isEmpty();
    }

    @Test
    void aTimedOutAttemptIsRetriedAndASuccessIsNot() {
        JobInFlight timedOut = fx.checked(StepFixture.envelope("j1", THREE_RETRIES), 1);
        timedOut.ran(new Execution.Ran(ResultEnvelope.timedOut(ResultEnvelope.Origin.of(timedOut.env(), "w", 1, 1),
                StepFixture.NOW, 5, new byte[0]), null, true));
        step.apply(timedOut, fx.rest);
        assertThat(fx.rest.called()).isFalse();

        JobInFlight ok = fx.checked(StepFixture.envelope("j2", THREE_RETRIES), 1);
        ok.ran(new Execution.Ran(ResultEnvelope.succeeded(ResultEnvelope.Origin.of(ok.env(), "w", 1, 1),
                StepFixture.NOW, 5, "", new byte[0]), null));
        step.apply(ok, fx.rest);
        assertThat(fx.rest.passed).containsExactly(ok);
    }
}
