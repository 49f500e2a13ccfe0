package io.tasq.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ClientClosedException;
import io.tasq.DuplicateJobException;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import io.tasq.internal.FutureAccess;
import io.tasq.spi.Broadcast;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What a client does with a job it has taken: send it, hold it until connected, keep its future by name. */
class PendingJobsTest {

    private static final FutureAccess FUTURES = FutureAccess.get();

    /** Takes every job, or refuses every job with {@code refusal}, and remembers the order they came in. */
    private static final class Recording implements JobProducer {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final RuntimeException refusal;

        Recording(RuntimeException refusal) {
            this.refusal = refusal;
        }

        @Override
        public CompletionStage<Void> send(OutboundJob job) {
            sent.add(job.jobId());
            return refusal == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(refusal);
        }

        @Override
        public void close() {
        }
    }

    private final PendingJobs jobs = new PendingJobs("c-test", 2);
    private long seq;

    private PendingJobs.Entry entry(String name) {
        String jobId = "j" + (++seq);
        TasqFuture<Object> future = FUTURES.newFuture(jobId, name, f -> { });
        return new PendingJobs.Entry(seq, future, new OutboundJob(jobId, "c-test", new byte[] {1}, 0), Instant.EPOCH);
    }

    @Test
    void jobsTakenBeforeConnectingAreHeldThenSentInOrder() {
        PendingJobs.Entry a = entry("a");
        PendingJobs.Entry b = entry("b");
        PendingJobs.Entry c = entry("c");
        jobs.addJob(a);
        jobs.addControl(b);
        jobs.addJob(c);
        assertThat(a.sent).isFalse();
        assertThat(jobs.all()).containsExactly(a, b, c);

        Recording producer = new Recording(null);
        jobs.connect(() -> producer, "stub://");
        jobs.connect(() -> {
            throw new AssertionError("connected twice");
        }, "stub://");

        assertThat(producer.sent).containsExactly("j1", "j2", "j3");
        assertThat(List.of(a.sent, b.sent, c.sent)).containsOnly(true);
        assertThat(jobs.isConnected()).isTrue();
        assertThat(jobs.producer()).isSameAs(producer);
    }

    @Test
    void aJobTakenWhileConnectedIsSentAtOnce() {
        Recording producer = new Recording(null);
        jobs.connect(() -> producer, "stub://");
        PendingJobs.Entry a = entry("a");
        jobs.addJob(a);
        assertThat(producer.sent).containsExactly("j1");
        assertThat(a.sent).isTrue();
        assertThat(jobs.get("j1")).isSameAs(a);
    }

    @Test
    void aJobTheBackendRefusesFailsWithTheBackendsReason() {
        jobs.connect(() -> new Recording(new IllegalStateException("full")), "stub://");
        PendingJobs.Entry a = entry("a");
        jobs.addJob(a);
        assertThat(a.future).isCompletedExceptionally();
        assertThatThrownBy(a.future::join).cause().isInstanceOf(TasqException.class)
                .hasMessageContaining("did not take job 'a'").hasMessageContaining("full");
    }

    @Test
    void aNameIsTakenOnlyOnceWhileItsJobIsPending() {
        PendingJobs.Entry first = entry("report");
        jobs.addJob(first);
        assertThatThrownBy(() -> jobs.addJob(entry("report"))).isInstanceOf(DuplicateJobException.class)
                .hasMessageContaining("'report' (j1) is still pending");

        FUTURES.completeFailure(first.future, new TasqException("done"), null);
        jobs.finished(first);
        PendingJobs.Entry again = entry("report");
        jobs.addJob(again);
        assertThat(jobs.results()).containsEntry("report", again.future);
    }

    @Test
    void finishedFuturesAreKeptByNameUpToTheLimit() {
        for (String name : List.of("a", "b", "c")) {
            PendingJobs.Entry e = entry(name);
            jobs.addJob(e);
            e.future.complete(null);
            jobs.finished(e);
        }
        assertThat(jobs.results()).containsOnlyKeys("b", "c");
        assertThat(jobs.size()).isZero();
    }

    @Test
    void cancellingAHeldJobDropsItBeforeItLeaves() {
        PendingJobs.Entry a = entry("a");
        jobs.addJob(a);
        assertThat(jobs.cancelled("j1")).isNull();
        assertThat(jobs.cancelled("j1")).isNull();

        Recording producer = new Recording(null);
        jobs.connect(() -> producer, "stub://");
        assertThat(producer.sent).isEmpty();
    }

    @Test
    void cancellingASentJobNamesTheProducerItReached() {
        Recording producer = new Recording(null);
        jobs.connect(() -> producer, "stub://");
        jobs.addJob(entry("a"));
        assertThat(jobs.cancelled("j1")).isEqualTo(new PendingJobs.Link(producer));
        assertThat(jobs.get("j1")).isNull();
    }

    @Test
    void aClosedClientTakesNothingMore() {
        Recording producer = new Recording(null);
        jobs.connect(() -> producer, "stub://");
        PendingJobs.Entry left = entry("left");
        jobs.addJob(left);

        assertThat(jobs.close()).isEqualTo(new PendingJobs.Link(producer));
        assertThat(jobs.close()).isNull();

        assertThat(jobs.isConnected()).isFalse();
        assertThat(jobs.producer()).isNull();
        assertThat(jobs.all()).containsExactly(left);
        assertThatThrownBy(() -> jobs.addJob(entry("late"))).isInstanceOf(ClientClosedException.class)
                .hasMessageContaining("job 'late' was not sent");
        assertThatThrownBy(() -> jobs.addControl(entry("cancel x"))).isInstanceOf(ClientClosedException.class)
                .hasMessageContaining("cannot send 'cancel x'");
        assertThatThrownBy(() -> jobs.connect(() -> producer, "stub://")).isInstanceOf(ClientClosedException.class)
                .hasMessageContaining("make a new one");
    }

    @Test
    void closingBeforeConnectingHasNoProducerToClose() {
        jobs.addJob(entry("a"));
        assertThat(jobs.close()).isEqualTo(new PendingJobs.Link(null));
    }

    /** A producer that broadcasts (recording what) or fails every broadcast with {@code failure}. */
    private static final class Broadcasting implements JobProducer, Broadcast {
        final Recording jobs = new Recording(null);
        final List<byte[]> broadcast = new CopyOnWriteArrayList<>();
        final RuntimeException failure;

        Broadcasting(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public CompletionStage<Void> broadcast(byte[] control) {
            broadcast.add(control);
            return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
        }

        @Override
        public <F> Optional<F> feature(Class<F> type) {
            return type == Broadcast.class ? Optional.of(type.cast(this)) : Optional.empty();
        }

        @Override
        public CompletionStage<Void> send(OutboundJob job) {
            return jobs.send(job);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aControlRequestIsBroadcastWhereTheBackendCanElseItGoesLikeAJobAsItDoesWhenTheBroadcastFails() {
        OutboundJob cancel = new OutboundJob("ctl-1", "c-test", new byte[] {7}, 0);
        Broadcasting reaching = new Broadcasting(null);
        PendingJobs.toWorkers(reaching, cancel);
        assertThat(reaching.broadcast).singleElement().isEqualTo(new byte[] {7});
        assertThat(reaching.jobs.sent).isEmpty();

        Recording noBroadcast = new Recording(null);
        PendingJobs.toWorkers(noBroadcast, cancel);
        assertThat(noBroadcast.sent).containsExactly("ctl-1");

        Broadcasting failing = new Broadcasting(new IllegalStateException("the IO thread is gone"));
        PendingJobs.toWorkers(failing, cancel);
        assertThat(failing.broadcast).hasSize(1);
        assertThat(failing.jobs.sent).containsExactly("ctl-1");
    }
}
