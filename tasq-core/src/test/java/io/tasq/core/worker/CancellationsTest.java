package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CancellationsTest {

    private final StepFixture fx = new StepFixture();
    private final Cancellations cancellations = new Cancellations("w", fx.clock, fx.held,
            (job, attempt, run) -> null, fx.consumer, fx.replies, fx.stats);

    @AfterEach
    void stopTimer() {
        fx.held.close();
    }

    @Test
    void aCancelIsRememberedEvenForAJobNotSeenYet() {
        assertThat(cancellations.isCancelled("j1")).isFalse();
        assertThat(cancellations.cancel("j1")).isFalse();
        assertThat(cancellations.isCancelled("j1")).isTrue();
    }

    @Test
    void aHeldJobIsDroppedAndItsSenderTold() {
        fx.held.hold(StepFixture.signed(StepFixture.envelope("j1", Map.of())), 2, StepFixture.NOW + 60_000);
        assertThat(cancellations.cancel("j1")).isTrue();
        assertThat(fx.held.size()).isZero();
        assertThat(fx.sent()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(ResultStatus.CANCELLED);
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(RemoteErrors.decode(r.payload())).hasMessage("cancelled by its client while it waited");
        });
        assertThat(fx.stats.cancelled.get()).isEqualTo(1);
    }

    @Test
    void aRunningJobIsInterruptedOnItsThread() {
        Thread self = Thread.currentThread();
        cancellations.started("j1", self);
        assertThat(cancellations.cancel("j1")).isTrue();
        assertThat(Thread.interrupted()).isTrue();
        cancellations.ended("j1", self);
        assertThat(cancellations.cancel("j1")).isFalse();
        assertThat(Thread.interrupted()).isFalse();
    }
}
