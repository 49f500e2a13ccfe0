package io.tasq.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.JobUnansweredException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestKeys;
import io.tasq.internal.FutureAccess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A job nobody answers (a worker refused it without a word, or none is up): what its client says and does. */
class UnansweredJobsTest {

    @Test
    void aWaitWithoutATimeoutIsWarnedAboutOnceAndGoesOnWaiting() throws Exception {
        TasqFuture<String> f = FutureAccess.get().newFuture("j1", "quiet", x -> { });
        AtomicInteger warnings = new AtomicInteger();
        FutureAccess.get().warnWhenUnanswered(f, Duration.ofMillis(100), x -> warnings.incrementAndGet());
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(f::unwrap);
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings.get() == 1);
        assertThat(waiter).isNotDone();
        f.complete("at last");
        assertThat(waiter.get()).isEqualTo("at last");
        assertThat(f.join()).isEqualTo("at last");
        assertThat(warnings).hasValue(1);
    }

    @Test
    void aClientJobTimeoutFailsAnUnansweredJobSayingWhatMayHaveHappened() {
        try (TasqClient client = Tasq.builder().backend(new SilentBackend()).settings(TestKeys.client())
                .setting("client.job-timeout", "300ms").client()) {
            client.connect();
            TasqFuture<Integer> f = client.schedule(() -> 1);
            assertThatThrownBy(() -> f.unwrap(Duration.ofSeconds(30))).isInstanceOf(JobUnansweredException.class)
                    .hasMessageContaining("client.job-timeout").hasMessageContaining("refused it without a word");
        }
    }

    @Test
    void withoutAJobTimeoutAnUnansweredJobWaits() {
        try (TasqClient client = Tasq.builder().backend(new SilentBackend()).settings(TestKeys.client()).client()) {
            client.connect();
            TasqFuture<Integer> f = client.schedule(() -> 1);
            assertThatThrownBy(() -> f.unwrap(Duration.ofMillis(500))).isInstanceOf(io.tasq.WaitTimeoutException.class);
            assertThat(f).isNotDone();
        }
    }

    @Test
    void pastTheJobTimeoutAWatchedJobFailsWithTheAttemptsReported() {
        TasqFuture<String> f = FutureAccess.get().newFuture("j2", "quiet", x -> { });
        FutureAccess.get().attemptFailed(f, 2, new TasqException("retried"));
        new UnansweredJobs("c-test", Duration.ofMinutes(1), Duration.ofMillis(100)).watch(f);
        assertThatThrownBy(() -> f.unwrap(Duration.ofSeconds(30))).isInstanceOf(JobUnansweredException.class)
                .hasMessageContaining("no answer for job 'quiet' (j2) within client.job-timeout of PT0.1S")
                .hasMessageContaining("(2 attempt(s) reported)").hasMessageEndingWith("; it may still run");
    }

    @Test
    void anAnsweredJobIsNotFailedByTheJobTimeout() {
        TasqFuture<String> f = FutureAccess.get().newFuture("j3", "quick", x -> { });
        new UnansweredJobs("c-test", Duration.ofMinutes(1), Duration.ofMillis(50)).watch(f);
        f.complete("done");
        // well past the timeout, the answer stands
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> "done".equals(f.join()));
    }
}
