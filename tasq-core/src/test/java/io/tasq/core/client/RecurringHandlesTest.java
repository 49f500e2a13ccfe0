package io.tasq.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.RunResult;
import io.tasq.core.internal.schedule.Schedule;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Which handle a repeating job's result reaches, and what cancelling and closing do to the handles. */
class RecurringHandlesTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final RecurringHandles handles = new RecurringHandles();

    private RecurringHandle<String> submitted(String jobId, String name) {
        return new RecurringHandle<>(jobId, name, Schedule.parse("8s"), clock.instant(), clock, n -> null);
    }

    @Test
    void aResultReachesTheSubmittedJobsHandleByIdElseAWatcherOfItsNameForARun() {
        RecurringHandle<String> mine = submitted("j1", "every-8s");
        handles.add(mine);
        RecurringHandle<String> watcher = handles.watch("older",
                n -> new RecurringHandle<>(null, n, null, null, clock, x -> null));

        assertThat(handles.submitted("j1")).isSameAs(mine);
        assertThat(handles.forResult("j1", "every-8s", 3)).isSameAs(mine);
        assertThat(handles.forResult("j0", "older", 2)).isSameAs(watcher);
        assertThat(handles.forResult("j0", "older", 0)).as("not a run of a repeating job").isNull();
        assertThat(handles.forResult("j9", "nobody", 1)).isNull();
    }

    @Test
    void watchingANameTwiceGivesTheSameHandle() {
        RecurringHandle<String> first = handles.watch("older",
                n -> new RecurringHandle<>(null, n, null, null, clock, x -> null));
        RecurringHandle<String> second = handles.watch("older", n -> {
            throw new AssertionError("made twice");
        });
        assertThat(second).isSameAs(first);
    }

    @Test
    void aCancelledJobsHandlesAreMarkedAndDropped() {
        RecurringHandle<String> mine = submitted("j1", "every-8s");
        RecurringHandle<String> other = submitted("j2", "hourly");
        handles.add(mine);
        handles.add(other);
        RecurringHandle<String> watcher = handles.watch("every-8s",
                n -> new RecurringHandle<>(null, n, null, null, clock, x -> null));

        handles.cancelled("every-8s");

        assertThat(mine.isCancelled()).isTrue();
        assertThat(watcher.isCancelled()).isTrue();
        assertThat(other.isCancelled()).isFalse();
        assertThat(handles.submitted("j1")).isNull();
        assertThat(handles.forResult("j1", "every-8s", 4)).isNull();
        assertThat(handles.active()).containsOnlyKeys("hourly");
    }

    @Test
    void closingCompletesEverySubscriberWithoutCancellingTheJobs() {
        RecurringHandle<String> mine = submitted("j1", "every-8s");
        handles.add(mine);
        AtomicBoolean completed = new AtomicBoolean();
        mine.results().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(RunResult<String> item) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
                completed.set(true);
            }
        });

        handles.closeAll();

        await().untilTrue(completed);
        assertThat(mine.isCancelled()).isFalse();
        assertThat(handles.active()).containsOnlyKeys("every-8s");
    }
}
