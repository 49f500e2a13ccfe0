package io.tasq.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.JobFailedException;
import io.tasq.JobRejectedException;
import io.tasq.RunResult;
import io.tasq.SerializationException;
import io.tasq.TasqFuture;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.internal.FutureAccess;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where a result envelope goes once read: the pending future, the repeating job's handle, or nowhere. */
class ResultDispatcherTest {

    private static final FutureAccess FUTURES = FutureAccess.get();

    private final Serializer fory = Providers.serializer("fory").create(Settings.empty());
    private final PendingJobs pending = new PendingJobs("c-test", 10);
    private final RecurringHandles recurring = new RecurringHandles();
    private final ResultDispatcher dispatcher = new ResultDispatcher("c-test", fory, getClass().getClassLoader(),
            1 << 20, pending, recurring);

    @AfterEach
    void close() {
        dispatcher.close();
    }

    private TasqFuture<Object> pending(String jobId, String name) {
        TasqFuture<Object> future = FUTURES.newFuture(jobId, name, f -> { });
        pending.addJob(new PendingJobs.Entry(1, future, new OutboundJob(jobId, "c-test", new byte[0], 0), Instant.EPOCH));
        return future;
    }

    private static byte[] result(String jobId, String name, ResultStatus status, int attempt, long run, String serializer,
            byte[] payload) {
        return ResultCodec.encode(new ResultEnvelope(jobId, name, "c-test", "w-1", status, attempt, run, 1_000,
                Duration.ofMillis(5).toNanos(), serializer, payload));
    }

    @Test
    void aValueCompletesThePendingFutureWithTheWorkersReport() {
        TasqFuture<Object> f = pending("j1", "double");
        dispatcher.dispatch(result("j1", "double", ResultStatus.OK, 2, 0, fory.name(), fory.serialize(42)));

        assertThat(f.join()).isEqualTo(42);
        assertThat(f.attempts()).isEqualTo(2);
        assertThat(f.execTime()).contains(Duration.ofMillis(5));
        assertThat(f.result()).get().satisfies(r -> {
            assertThat(r.workerId()).isEqualTo("w-1");
            assertThat(r.finishedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
        });
    }

    @Test
    void aRemoteErrorFailsTheFutureWithTheMatchingException() {
        TasqFuture<Object> failed = pending("j1", "boom");
        TasqFuture<Object> rejected = pending("j2", "refused");
        dispatcher.dispatch(result("j1", "boom", ResultStatus.FAILED, 1, 0, "",
                RemoteErrors.encode(new IllegalStateException("bad input"))));
        dispatcher.dispatch(result("j2", "refused", ResultStatus.REJECTED, 1, 0, "",
                RemoteErrors.encode("io.tasq.SignatureVerificationException", "unsigned")));

        assertThatThrownBy(failed::unwrap).isInstanceOf(JobFailedException.class).hasMessageContaining("bad input");
        assertThat(failed.execTime()).contains(Duration.ofMillis(5));
        assertThatThrownBy(rejected::unwrap).isInstanceOf(JobRejectedException.class)
                .hasMessageContaining("worker w-1 rejected job 'refused' (j2): unsigned");
        assertThat(rejected.execTime()).as("a rejected job did not run").isEmpty();
    }

    @Test
    void aRetriedAttemptIsRecordedAndTheFutureWaitsForTheNext() {
        TasqFuture<Object> f = pending("j1", "flaky");
        dispatcher.dispatch(result("j1", "flaky", ResultStatus.RETRYING, 1, 0, "",
                RemoteErrors.encode(new IllegalStateException("try again"))));

        assertThat(f).isNotDone();
        assertThat(f.attempts()).isEqualTo(1);
        assertThat(f.lastFailure()).get().satisfies(e -> assertThat(e).hasMessageContaining("try again"));
    }

    @Test
    void aValueOfAnotherSerializerFailsTheFutureSayingSo() {
        TasqFuture<Object> f = pending("j1", "odd");
        dispatcher.dispatch(result("j1", "odd", ResultStatus.OK, 1, 0, "java", new byte[] {1}));
        assertThatThrownBy(f::unwrap).isInstanceOf(SerializationException.class)
                .hasMessageContaining("serializer 'java'");
    }

    @Test
    void aRunOfARepeatingJobReachesItsHandleAndCompletesTheFirstRunsFuture() {
        Clock clock = Clock.systemUTC();
        RecurringHandle<Object> handle = new RecurringHandle<>("j1", "every-8s", null, null, clock, n -> null);
        List<RunResult<Object>> runs = new CopyOnWriteArrayList<>();
        handle.onRun(runs::add);
        recurring.add(handle);
        TasqFuture<Object> first = pending("j1", "every-8s");

        dispatcher.dispatch(result("j1", "every-8s", ResultStatus.OK, 1, 1, fory.name(), fory.serialize("one")));
        dispatcher.dispatch(result("j1", "every-8s", ResultStatus.OK, 1, 2, fory.name(), fory.serialize("two")));

        assertThat(runs).extracting(RunResult::value).containsExactly("one", "two");
        assertThat(runs).extracting(RunResult::run).containsExactly(1L, 2L);
        assertThat(first.join()).isEqualTo("one");
        assertThat(handle.runs()).isEqualTo(2);
    }

    @Test
    void malformedAndUnexpectedResultsAreDropped() {
        TasqFuture<Object> f = pending("j1", "waiting");
        dispatcher.dispatch(new byte[] {'R', 9, 9});
        dispatcher.dispatch(result("j7", "someone-else", ResultStatus.OK, 1, 0, fory.name(), fory.serialize(1)));
        assertThat(f).isNotDone();
    }

    @Test
    void resultsTakenOffTheBackendsThreadAreHandledOnTheClientsOwn() {
        TasqFuture<Object> f = pending("j1", "async");
        dispatcher.onResult(result("j1", "async", ResultStatus.OK, 1, 0, fory.name(), fory.serialize("late")));
        assertThat(f.join()).isEqualTo("late");

        dispatcher.close();
        dispatcher.onResult(result("j1", "async", ResultStatus.OK, 1, 0, fory.name(), fory.serialize("dropped")));
    }
}
