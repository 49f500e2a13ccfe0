package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The worker's timer for jobs it holds: each run handed on once when due, unless cancelled. */
class HeldJobsTest {

    private static SignedJob job(String id) {
        JobEnvelope env = new JobEnvelope(id, id, "client-1", 0, 0, "", Map.of(), "fory", new byte[0]);
        return new SignedJob(env, "hmac-sha256", "k", new byte[0], new byte[0], 0);
    }

    @Test
    void aJobDueAtOnceIsHandedOnEvenWhenTheTimerFiresBeforeHoldReturns() {
        Set<String> handed = ConcurrentHashMap.newKeySet();
        HeldJobs held = new HeldJobs("held-test", Clock.systemUTC(), w -> handed.add(w.verified().job().jobId()));
        try {
            // a retry whose backoff has already passed: the timer may fire before hold() has returned (it
            // did, about once in 100,000, when hold() started the timer before it noted the run as held)
            for (int i = 0; i < 100_000; i++) {
                held.hold(job("j" + i), 2, 1, 0);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(handed).hasSize(100_000));
            assertThat(held.size()).isZero();
        } finally {
            held.close();
        }
    }

    @Test
    void aCancelledJobIsNotHandedOnAndIsReturned() {
        Set<String> handed = ConcurrentHashMap.newKeySet();
        HeldJobs held = new HeldJobs("held-test", Clock.systemUTC(), w -> handed.add(w.verified().job().jobId()));
        try {
            held.hold(job("later"), 2, 1, System.currentTimeMillis() + 60_000);
            assertThat(held.cancel("later")).singleElement().satisfies(h -> assertThat(h.attempt()).isEqualTo(2));
            assertThat(held.size()).isZero();
            assertThat(handed).isEmpty();
        } finally {
            held.close();
        }
    }

    @Test
    void onStopWhatIsHeldAndWhatComesLaterGoesToItsSendersNoticeAndNothingRuns() {
        Set<String> handed = ConcurrentHashMap.newKeySet();
        HeldJobs held = new HeldJobs("held-test", Clock.systemUTC(), w -> handed.add(w.verified().job().jobId()));
        List<String> told = new CopyOnWriteArrayList<>();
        try {
            held.hold(job("delayed"), 1, 1, System.currentTimeMillis() + 300);
            held.stop(h -> told.add(h.job().job().jobId() + "#" + h.attempt()));
            assertThat(told).containsExactly("delayed#1");
            held.hold(job("retried-while-stopping"), 3, 1, 0);
            assertThat(told).containsExactly("delayed#1", "retried-while-stopping#3");
            assertThat(held.size()).isZero();
            // the timer still serves the time limits of the jobs running while the worker stops
            assertThat(held.timer().isShutdown()).isFalse();
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(handed::isEmpty);
        } finally {
            held.close();
        }
        assertThat(held.timer().isShutdown()).isTrue();
    }
}
