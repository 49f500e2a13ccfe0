package io.tasq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.JobFailedException;
import io.tasq.JobResult;
import io.tasq.RemoteException;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The runtime reaches TasqFuture's completion through FutureAccess, and nobody else can take that way in. */
class FutureAccessTest {

    private static final FutureAccess FUTURES = FutureAccess.get();

    @Test
    void theFutureIsFinalAndOffersNoPublicWayToMakeOrCompleteIt() {
        assertThat(Modifier.isFinal(TasqFuture.class.getModifiers())).isTrue();
        assertThat(TasqFuture.class.getConstructors()).isEmpty();
        assertThat(Arrays.stream(TasqFuture.class.getMethods()).map(m -> m.getName()))
                .doesNotContain("completeResult", "completeFailure", "attemptFailed", "bindRecurring",
                        "warnWhenUnanswered");
    }

    @Test
    void aWorkersResultCompletesTheFutureOnceWithItsReport() {
        TasqFuture<String> f = FUTURES.newFuture("j1", "first", x -> { });
        JobResult<String> report = new JobResult<>("j1", "first", "done", Duration.ofMillis(7), 2, 0, "w-1",
                Instant.EPOCH);
        FUTURES.attemptFailed(f, 1, new TasqException("boom"));

        assertThat(FUTURES.completeResult(f, report)).isTrue();
        assertThat(FUTURES.completeFailure(f, new TasqException("late"), null)).isFalse();

        assertThat(f.unwrap()).isEqualTo("done");
        assertThat(f.result()).contains(report);
        assertThat(f.execTime()).contains(Duration.ofMillis(7));
        assertThat(f.attempts()).isEqualTo(2);
        assertThat(f.lastFailure()).get().extracting(Throwable::getMessage).isEqualTo("boom");
    }

    @Test
    void aFailureCompletesTheFutureWithItsRunTime() {
        TasqFuture<String> f = FUTURES.newFuture("j2", "second", x -> { });
        JobFailedException failure = new JobFailedException("j2", "second",
                new RemoteException("java.lang.IllegalStateException", "no", new StackTraceElement[0], null));

        assertThat(FUTURES.completeFailure(f, failure, Duration.ofSeconds(1))).isTrue();

        assertThatThrownBy(f::unwrap).isSameAs(failure);
        assertThat(f.execTime()).contains(Duration.ofSeconds(1));
        assertThat(f.result()).isEmpty();
    }

    @Test
    void cancellingTellsTheRuntime() {
        AtomicInteger told = new AtomicInteger();
        TasqFuture<String> f = FUTURES.newFuture("j3", "third", x -> told.incrementAndGet());
        assertThat(f.cancel(true)).isTrue();
        assertThat(f).isCancelled();
        assertThat(told).hasValue(1);
    }

    @Test
    void onlyTasqFutureInstallsTheAccessAndOnlyOnce() {
        assertThatThrownBy(() -> FutureAccess.install(new Impostor())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only TasqFuture");
        assertThat(FutureAccess.get()).isSameAs(FUTURES).isNotInstanceOf(Impostor.class);
    }

    /** What an application might try: its own access, to complete futures itself. */
    private static final class Impostor extends FutureAccess {
        @Override
        public <R> TasqFuture<R> newFuture(String jobId, String name, Consumer<TasqFuture<?>> onCancel) {
            throw new AssertionError();
        }

        @Override
        public void warnWhenUnanswered(TasqFuture<?> future, Duration after, Consumer<TasqFuture<?>> warn) {
            throw new AssertionError();
        }

        @Override
        public <R> void bindRecurring(TasqFuture<R> future, io.tasq.RecurringJob<R> handle) {
            throw new AssertionError();
        }

        @Override
        public void attemptFailed(TasqFuture<?> future, int attempt, TasqException failure) {
            throw new AssertionError();
        }

        @Override
        public <R> boolean completeResult(TasqFuture<R> future, JobResult<R> result) {
            throw new AssertionError();
        }

        @Override
        public boolean completeFailure(TasqFuture<?> future, TasqException failure, Duration execTime) {
            throw new AssertionError();
        }
    }
}
