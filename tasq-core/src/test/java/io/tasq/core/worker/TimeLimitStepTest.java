package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tasq.JobTimeoutException;
import io.tasq.core.internal.metrics.WorkerMetrics;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeLimitStepTest {

    private final StepFixture fx = new StepFixture();
    private final Cancellations cancellations = new Cancellations("w", fx.clock, fx.held,
            (job, attempt, run) -> null, fx.consumer, fx.replies, fx.stats);
    private final List<Thread> abandoned = new CopyOnWriteArrayList<>();
    private final WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry(), "w", "test://");

    @AfterEach
    void stopTimer() {
        fx.held.close();
    }

    private TimeLimitStep step(Execution execution) {
        return new TimeLimitStep("w", execution, fx.held.timer(), Duration.ofMillis(200), abandoned::add,
                cancellations, fx.clock, metrics, fx.stats);
    }

    private static Execution.Ran ok(JobInFlight job) {
        return new Execution.Ran(ResultEnvelope.succeeded(ResultEnvelope.Origin.of(job.env(), "w", job.attempt(),
                job.run()), 1, 2, "", new byte[0]), null);
    }

    @Test
    void aJobWithinItsLimitRunsAndItsResultIsPassedOn() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of("timeout", "PT5S")), 1);
        step((j, attempt, run) -> ok(job)).apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
        assertThat(job.ran().result().status()).isEqualTo(ResultStatus.OK);
        assertThat(abandoned).isEmpty();
    }

    @Test
    void aJobOverItsLimitIsInterruptedAndEndsTimedOut() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of("timeout", "PT0.1S")), 2);
        step((j, attempt, run) -> {
            try {
                new CountDownLatch(1).await(); // blocks until interrupted
            } catch (InterruptedException e) {
                return ok(job); // it returns when interrupted, but too late
            }
            throw new AssertionError("not interrupted");
        }).apply(job, fx.rest);
        assertThat(job.ran().result().status()).isEqualTo(ResultStatus.TIMEOUT);
        assertThat(job.ran().result().attempt()).isEqualTo(2);
        assertThat(RemoteErrors.decode(job.ran().result().payload()).remoteType())
                .isEqualTo(JobTimeoutException.class.getName());
        assertThat(fx.stats.timedOut.get()).isEqualTo(1);
        assertThat(abandoned).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse(); // never carried over
    }

    @Test
    void aJobThatIgnoresItsInterruptIsAbandonedItsActorReplacedAndItsLateResultDropped() throws Exception {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of("timeout", "PT0.1S")), 1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread actor = new Thread(() -> step((j, attempt, run) -> {
            while (true) {
                try {
                    if (finish.await(10, TimeUnit.SECONDS)) {
                        return ok(job);
                    }
                } catch (InterruptedException ignored) {
                    // a job that ignores interrupts
                }
            }
        }).apply(job, fx.rest));
        actor.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.rest.called());
        assertThat(abandoned).containsExactly(actor);
        assertThat(job.ran().result().status()).isEqualTo(ResultStatus.TIMEOUT);
        finish.countDown();
        actor.join(5_000);
        assertThat(fx.rest.passed).hasSize(1); // the late result went nowhere
    }

    @Test
    void aCancelInterruptsTheJobWhileItRuns() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        step((j, attempt, run) -> {
            assertThat(cancellations.cancel("j1")).isTrue();
            assertThat(Thread.interrupted()).isTrue();
            return ok(job);
        }).apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
        assertThat(cancellations.cancel("j1")).isFalse(); // no longer running
    }
}
