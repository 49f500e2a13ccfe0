package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.backend.zmq.ZmqSettings.Endpoint;
import io.tasq.backend.zmq.ZmqSettings.Routing;
import io.tasq.spi.OutboundJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A client's jobs over the workers of its pool, without sockets: a worker's connection is a list
 * that records what was handed to it ({@code jobId@attempt}), and time is a {@link FakeClock}.
 */
class WorkerPoolTest {

    private static final long TIMEOUT = 3_000;
    private final FakeClock clock = new FakeClock(1_000_000);

    private WorkerPool pool(Routing routing) {
        return new WorkerPool("client-1", new WorkerPicker(routing, b -> 0), TIMEOUT, clock);
    }

    private static PoolMember member(WorkerPool pool, String host) {
        return pool.add(new Endpoint(host, 9000, 9001));
    }

    private static PooledJob job(String id) {
        return new PooledJob(new OutboundJob(id, "client-1", new byte[] {1}, 0));
    }

    /** A worker's connection: takes up to {@code room} jobs (then its pipe is full), recording each. */
    private static final class Connection implements Predicate<PooledJob> {
        final List<String> sent = new ArrayList<>();
        int room = Integer.MAX_VALUE;

        @Override
        public boolean test(PooledJob job) {
            if (room == 0) {
                return false;
            }
            room--;
            sent.add(job.job.jobId() + "@" + job.nextAttempt());
            return true;
        }
    }

    private static List<String> handOver(WorkerPool pool, PoolMember m) {
        Connection c = new Connection();
        pool.handOver(m, c);
        return c.sent;
    }

    @Test
    void jobsWaitUntilAWorkerAnswersThenGoOutInOrder() {
        WorkerPool pool = pool(Routing.LEAST_PENDING);
        PoolMember a = member(pool, "a");
        PoolMember b = member(pool, "b");
        List<PooledJob> jobs = List.of(job("j1"), job("j2"), job("j3"));
        jobs.forEach(pool::accept);
        assertThat(handOver(pool, a)).as("nobody is up").isEmpty();
        assertThat(jobs).allSatisfy(j -> assertThat(j.accepted).isNotDone());

        pool.pong(b, "instance-b");

        assertThat(handOver(pool, a)).isEmpty();
        assertThat(handOver(pool, b)).containsExactly("j1@1", "j2@1", "j3@1");
        assertThat(jobs).allSatisfy(j -> assertThat(j.accepted).isCompleted());
        assertThat(pool.unsettled()).containsExactlyElementsOf(jobs);
    }

    @Test
    void aFullPipeKeepsTheRestOfTheBacklogForTheNextTurn() {
        WorkerPool pool = pool(Routing.ROUND_ROBIN);
        PoolMember a = member(pool, "a");
        pool.pong(a, "instance-a");
        List.of(job("j1"), job("j2"), job("j3")).forEach(pool::accept);
        Connection c = new Connection();
        c.room = 1;
        assertThat(pool.handOver(a, c)).isEqualTo(1);
        assertThat(a.hasBacklog()).isTrue();
        c.room = 5;
        assertThat(pool.handOver(a, c)).isEqualTo(2);
        assertThat(c.sent).containsExactly("j1@1", "j2@1", "j3@1");
        assertThat(a.hasBacklog()).isFalse();
    }

    @Test
    void aWorkerSilentPastTheTimeoutIsTakenOutAndItsJobsGoToTheOthersWithTheAttemptRaised() {
        WorkerPool pool = pool(Routing.ROUND_ROBIN);
        PoolMember a = member(pool, "a");
        PoolMember b = member(pool, "b");
        pool.pong(a, "instance-a");
        pool.pong(b, "instance-b");
        List.of(job("j1"), job("j2"), job("j3"), job("j4")).forEach(pool::accept);
        List<String> onA = handOver(pool, a);
        assertThat(onA).hasSize(2);
        assertThat(handOver(pool, b)).hasSize(2);

        clock.advance(Duration.ofMillis(TIMEOUT));
        pool.pong(b, "instance-b");
        assertThat(pool.takeOutIfSilent(a)).as("silent for exactly the timeout: still up").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(pool.takeOutIfSilent(b)).isFalse();
        assertThat(pool.takeOutIfSilent(a)).isTrue();
        assertThat(pool.takeOutIfSilent(a)).as("once").isFalse();

        assertThat(a.up).isFalse();
        assertThat(a.pending).isZero();
        assertThat(handOver(pool, b)).containsExactlyElementsOf(onA.stream().map(s -> s.replace("@1", "@2")).toList());
        assertThat(b.pending).isEqualTo(4);
        pool.accept(job("j5"));
        assertThat(handOver(pool, b)).as("new jobs too go to the one up").containsExactly("j5@1");
    }

    @Test
    void aRestartedWorkerGetsTheJobsItWasSentAgainButNotThoseStillQueued() {
        WorkerPool pool = pool(Routing.LEAST_PENDING);
        PoolMember a = member(pool, "a");
        pool.pong(a, "first");
        pool.accept(job("j1"));
        pool.accept(job("j2"));
        Connection c = new Connection();
        c.room = 1;
        pool.handOver(a, c);
        assertThat(c.sent).containsExactly("j1@1");

        pool.pong(a, "first");
        assertThat(handOver(pool, a)).as("the same instance: nothing is sent again").containsExactly("j2@1");
        pool.accept(job("j3"));
        pool.pong(a, "second");

        // j1 and j2 went to the first instance, whose jobs are gone; j3 was only queued
        assertThat(handOver(pool, a)).containsExactly("j3@1", "j1@2", "j2@2");
        assertThat(a.pending).isEqualTo(3);
    }

    @Test
    void aHandBackDrainsItsWorkerAndTheJobGoesToAnother() {
        WorkerPool pool = pool(Routing.ROUND_ROBIN);
        PoolMember a = member(pool, "a");
        PoolMember b = member(pool, "b");
        pool.pong(a, "instance-a");
        pool.pong(b, "instance-b");
        pool.accept(job("j1"));
        assertThat(handOver(pool, a)).containsExactly("j1@1");

        // ids a worker never verified say nothing: another worker's job, an unknown one
        pool.handedBack(b, "j1");
        pool.handedBack(a, "no-such-job");
        assertThat(a.draining).isFalse();
        assertThat(b.draining).isFalse();

        pool.handedBack(a, "j1");
        assertThat(a.draining).isTrue();
        assertThat(a.eligible()).isFalse();
        pool.accept(job("j2"));
        assertThat(handOver(pool, a)).isEmpty();
        assertThat(handOver(pool, b)).containsExactly("j1@2", "j2@1");

        pool.pong(a, "instance-a2");
        assertThat(a.eligible()).as("a new instance takes jobs again").isTrue();
    }

    @Test
    void aResultSettlesItsJobOnceAndFreesItsSlot() {
        WorkerPool pool = pool(Routing.LEAST_PENDING);
        PoolMember a = member(pool, "a");
        PoolMember b = member(pool, "b");
        pool.pong(a, "instance-a");
        pool.pong(b, "instance-b");
        PooledJob j1 = job("j1");
        pool.accept(j1);
        pool.accept(job("j2"));
        assertThat(a.pending).isEqualTo(1);
        assertThat(b.pending).isEqualTo(1);
        PoolMember ofJ1 = j1.member;

        assertThat(pool.settle("j1")).isSameAs(j1);
        assertThat(pool.settle("j1")).as("a late duplicate").isNull();
        assertThat(ofJ1.pending).isZero();
        assertThat(handOver(pool, ofJ1)).as("settled before it was sent: never sent").isEmpty();

        PooledJob j3 = job("j3");
        pool.accept(j3);
        assertThat(j3.member).as("least pending").isSameAs(ofJ1);
        assertThat(pool.unsettled()).extracting(j -> j.job.jobId()).containsExactly("j2", "j3");
    }

    @Test
    void onlyAJobNeverSentCanBeWithdrawn() {
        WorkerPool pool = pool(Routing.LEAST_PENDING);
        PoolMember a = member(pool, "a");
        pool.accept(job("waiting"));
        assertThat(pool.withdraw("waiting")).isTrue();
        pool.pong(a, "instance-a");
        pool.accept(job("sent"));
        assertThat(handOver(pool, a)).as("the withdrawn job is skipped").containsExactly("sent@1");
        pool.accept(job("queued"));
        assertThat(pool.withdraw("sent")).isFalse();
        assertThat(pool.withdraw("queued")).isTrue();
        assertThat(pool.withdraw("no-such-job")).isFalse();
        assertThat(handOver(pool, a)).isEmpty();
        assertThat(a.pending).isEqualTo(1);
        assertThat(pool.unsettled()).extracting(j -> j.job.jobId()).containsExactly("sent");
    }

    @Test
    void aWorkerIsKnownByItsAddress() {
        WorkerPool pool = pool(Routing.RANDOM);
        member(pool, "a");
        assertThat(pool.contains(new Endpoint("a", 9000, 9001))).isTrue();
        assertThat(pool.contains(new Endpoint("a", 9002, 9003))).isFalse();
    }
}
