package io.tasq.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.ClientClosedException;
import io.tasq.DuplicateJobException;
import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.RecurringJob;
import io.tasq.RunResult;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Providers;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every backend must do, as a user sees it. A backend's test extends this class and says how
 * to make a URL for a fresh queue; every test here then runs against that backend, with real
 * workers (in this JVM) and real clients.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class BackendContractTest {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A URL for a queue no other test uses. Each call may return a new one. */
    protected abstract String newQueueUrl();

    /** Settings for workers: the test key, and the test classes allowed. */
    protected Settings workerSettings() {
        return TestKeys.worker();
    }

    /** Settings for clients: the test key. */
    protected Map<String, String> clientSettings() {
        return TestKeys.client();
    }

    protected Worker startWorker(String url, int concurrency) {
        Worker w = Worker.builder().backend(url).settings(workerSettings()).concurrency(concurrency).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    protected TasqClient client(String url) {
        TasqClient c = Tasq.builder().url(url).settings(clientSettings()).client();
        opened.add(c);
        return c;
    }

    /**
     * A backend as an operator's tools open it ({@code tq dead}, {@code tq inspect}): holding the
     * test key, which the workers trust (a brokerless worker answers no operator without one).
     */
    protected Backend operatorBackend(String url) {
        Backend b = Providers.backend(url, Settings.empty());
        b.useCredentials(io.tasq.core.security.KeyCredentials.from(workerSettings()));
        opened.add(b);
        return b;
    }

    protected TasqClient connected(String url) {
        TasqClient c = client(url);
        c.connect();
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    @Test
    void runsACapturingLambdaAndReturnsItsValue() {
        String url = newQueueUrl();
        startWorker(url, 2);
        TasqClient client = connected(url);
        int factor = 3;
        TasqFuture<Integer> f = client.schedule(n -> n * factor, 14, JobOptions.named("triple"));
        assertThat(f.unwrap(Duration.ofSeconds(30))).isEqualTo(42);
        assertThat(f.name()).isEqualTo("triple");
        assertThat(f.execTime()).isPresent();
        assertThat(f.result()).hasValueSatisfying(r -> {
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.workerId()).isNotBlank();
        });
        assertThat(client.results()).containsKey("triple");
        String joined = client.scheduleBlocking(Duration.ofSeconds(30), (a, b) -> a + b, "tas", "q",
                JobOptions.defaults());
        assertThat(joined).isEqualTo("tasq");
    }

    @Test
    void aWorkerRunsJobsOnItsActorsAndKeepsNoThreadForReplies() throws Exception {
        // settling and publishing never block (docs/spi.md): the actor that ran a job sends its result
        // itself, and the worker keeps no thread of its own for replies
        String url = newQueueUrl();
        Worker w = startWorker(url, 2);
        TasqClient client = connected(url);
        List<TasqFuture<String>> ran = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ran.add(client.schedule(n -> Thread.currentThread().getName(), i));
        }
        for (TasqFuture<String> f : ran) {
            assertThat(f.unwrap(Duration.ofSeconds(30))).startsWith(w.id() + "-actor");
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith(w.id()) && name.endsWith("-responder"));
    }

    @Test
    void applicationTypesTravelAsArgumentsAndResults() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        TestJobs.Tagged in = new TestJobs.Tagged("me", 7);
        TasqFuture<TestJobs.Tagged> f = client.schedule(t -> new TestJobs.Tagged(t.client() + "!", t.index() + 1), in);
        assertThat(f.unwrap(Duration.ofSeconds(30))).isEqualTo(new TestJobs.Tagged("me!", 8));
        assertThat(client.<Object>schedule(() -> null).unwrap(Duration.ofSeconds(30))).isNull();
    }

    @Test
    void aJobThatThrowsFailsItsFutureWithTheRemoteClassMessageAndTrace() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        TasqFuture<String> f = client.schedule(TestJobs::explode, "boom", JobOptions.named("exploding"));
        assertThatThrownBy(() -> f.unwrap(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(JobFailedException.class, e -> {
                    assertThat(e.remoteType()).isEqualTo(IllegalStateException.class.getName());
                    assertThat(e.remoteMessage()).isEqualTo("boom");
                    assertThat(e.jobName()).isEqualTo("exploding");
                    assertThat(e.remoteStackTrace())
                            .contains("java.lang.IllegalStateException: boom")
                            .contains("at " + TestJobs.class.getName() + ".explode(TestJobs.java:")
                            .contains("Caused by: java.lang.IllegalArgumentException: inner boom");
                    assertThat(e.remote().getCause()).isNotNull();
                });
        assertThat(f.isCompletedExceptionally()).isTrue();
        assertThat(f.execTime()).isPresent();
    }

    @Test
    void jobsSubmittedBeforeAnyWorkerRunOnceOneStarts() {
        String url = newQueueUrl();
        TasqClient client = connected(url);
        List<TasqFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(client.schedule(n -> n + 1, i));
        }
        assertThat(client.pendingJobs()).hasSize(50);
        Worker worker = startWorker(url, 2);
        for (int i = 0; i < 50; i++) {
            assertThat(futures.get(i).unwrap(Duration.ofSeconds(60))).isEqualTo(i + 1);
        }
        assertThat(worker.stats().succeeded()).as("runs").isEqualTo(50);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.pendingJobs().isEmpty());
    }

    @Test
    void jobsSubmittedBeforeConnectAreSentInOrderOnConnect() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = client(url);
        TasqFuture<String> f = client.schedule(() -> "held");
        assertThat(client.pendingJobs()).singleElement().satisfies(p -> assertThat(p.sent()).isFalse());
        client.connect();
        assertThat(f.unwrap(Duration.ofSeconds(30))).isEqualTo("held");
    }

    @Test
    void everyResultReachesTheClientThatSentTheJob() {
        String url = newQueueUrl();
        startWorker(url, 4);
        List<TasqClient> clients = List.of(connected(url), connected(url), connected(url));
        List<List<TasqFuture<TestJobs.Tagged>>> futures = new ArrayList<>();
        for (TasqClient c : clients) {
            List<TasqFuture<TestJobs.Tagged>> mine = new ArrayList<>();
            String me = c.clientId();
            for (int i = 0; i < 300; i++) {
                mine.add(c.schedule((who, n) -> new TestJobs.Tagged(who, n), me, i));
            }
            futures.add(mine);
        }
        for (int c = 0; c < clients.size(); c++) {
            for (int i = 0; i < 300; i++) {
                assertThat(futures.get(c).get(i).unwrap(Duration.ofSeconds(60)))
                        .isEqualTo(new TestJobs.Tagged(clients.get(c).clientId(), i));
            }
        }
    }

    @Test
    void jobsRunConcurrentlyOneActorEach() {
        String url = newQueueUrl();
        startWorker(url, 4);
        TestJobs.BARRIER[0] = new CyclicBarrier(4);
        TasqClient client = connected(url);
        List<TasqFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(client.schedule(TestJobs::meetOthers, i));
        }
        // each job waits for the other three: this passes only if all four run at once
        for (int i = 0; i < 4; i++) {
            assertThat(futures.get(i).unwrap(Duration.ofSeconds(30))).isEqualTo(i);
        }
    }

    @Test
    void aDelayedJobRunsNoEarlierThanItsDelayAndOthersFlowMeanwhile() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        long start = System.currentTimeMillis();
        TasqFuture<Long> delayed = client.schedule(System::currentTimeMillis,
                JobOptions.named("later").delay(Duration.ofMillis(1500)));
        TasqFuture<Long> now = client.schedule(System::currentTimeMillis);
        // each job says when it ran: the one sent after the delayed job ran first, the delayed one on time
        long nowRanAt = now.unwrap(Duration.ofSeconds(30));
        long delayedRanAt = delayed.unwrap(Duration.ofSeconds(30));
        assertThat(nowRanAt).isLessThan(delayedRanAt);
        assertThat(delayedRanAt - start).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void anIntervalJobRunsAgainAndAgainWithEveryResultDeliveredUntilCancelled() {
        String url = newQueueUrl();
        startWorker(url, 2);
        TasqClient client = connected(url);
        String name = "ticker-" + System.nanoTime();
        TasqFuture<Long> first = client.schedule(System::currentTimeMillis, JobOptions.named(name).every("1s"));
        RecurringJob<Long> ticker = first.recurring().orElseThrow();
        List<RunResult<Long>> runs = new CopyOnWriteArrayList<>();
        ticker.onRun(runs::add);
        assertThat(ticker.name()).isEqualTo(name);
        assertThat(ticker.schedule()).isEqualTo("PT1S");
        assertThat(first.unwrap(Duration.ofSeconds(30))).isPositive();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 3);
        assertThat(runs).extracting(RunResult::run).startsWith(runs.get(0).run(), runs.get(0).run() + 1)
                .doesNotHaveDuplicates();
        assertThat(runs).allSatisfy(r -> assertThat(r.succeeded()).isTrue());
        assertThat(ticker.nextRun()).hasValueSatisfying(t -> assertThat(t).isAfter(java.time.Instant.now().minusSeconds(2)));
        assertThat(client.recurring()).containsKey(name);
        assertThat(ticker.cancel().unwrap(Duration.ofSeconds(30))).isTrue();
        assertThat(ticker.isCancelled()).isTrue();
        long after = ticker.runs();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> ticker.runs() <= after + 1);
    }

    @Test
    void aCronJobRunsOnItsSchedule() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        String name = "cron-" + System.nanoTime();
        TasqFuture<String> first = client.schedule(() -> "tick", JobOptions.named(name).every("* * * * * * UTC"));
        List<RunResult<String>> runs = new CopyOnWriteArrayList<>();
        first.recurring().orElseThrow().onRun(runs::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 2);
        assertThat(client.cancelRecurring(name).unwrap(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void badSchedulesAreRefusedAtSubmitWithTheAcceptedForms() {
        TasqClient client = client(newQueueUrl());
        assertThatThrownBy(() -> client.schedule(() -> 1, JobOptions.named("x").every("every tuesday")))
                .isInstanceOf(io.tasq.InvalidScheduleException.class)
                .hasMessageContaining("8s").hasMessageContaining("PT8S").hasMessageContaining("cron");
        assertThat(client.pendingJobs()).isEmpty();
    }

    @Test
    void aBlockingCallWaitsForADelayedJob() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        long start = System.currentTimeMillis();
        Long ranAt = client.scheduleBlocking(Duration.ofSeconds(30), System::currentTimeMillis,
                JobOptions.named("blocking-delayed").delay(Duration.ofSeconds(1)));
        assertThat(ranAt - start).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void anyClientCanCancelARepeatingJobByName() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient owner = connected(url);
        String name = "nightly-" + System.nanoTime();
        RecurringJob<String> job = owner.schedule(() -> "ran", JobOptions.named(name).every("1s"))
                .recurring().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> job.runs() >= 1);
        TasqClient other = connected(url); // as the same application would after a restart
        assertThat(other.cancelRecurring(name).unwrap(Duration.ofSeconds(30))).isTrue();
        long after = job.runs();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> job.runs() <= after + 1);
        assertThat(other.cancelRecurring(name).unwrap(Duration.ofSeconds(30))).isFalse();
    }

    @Test
    void tenThousandDelayedJobsCostMemoryNotThreadsAndOthersKeepFlowing() {
        String url = newQueueUrl();
        startWorker(url, 2);
        TasqClient client = connected(url);
        TasqFuture<String> warm = client.schedule(() -> "warm");
        assertThat(warm.unwrap(Duration.ofSeconds(30))).isEqualTo("warm");
        int threadsBefore = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
        for (int i = 0; i < 10_000; i++) {
            client.schedule(n -> n, i, JobOptions.defaults().delay(Duration.ofMinutes(1)));
        }
        List<TasqFuture<Integer>> now = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            now.add(client.schedule(n -> n + 1, i));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(now.get(i).unwrap(Duration.ofSeconds(60))).isEqualTo(i + 1);
        }
        int threadsAfter = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
        assertThat(threadsAfter - threadsBefore).isLessThan(10);
        assertThat(client.pendingJobs()).hasSize(10_000);
    }

    @Test
    void aFailingJobIsRetriedWithBackoffAndEveryAttemptIsVisible() {
        String url = newQueueUrl();
        startWorker(url, 2);
        TasqClient client = connected(url);
        String token = "flaky-" + System.nanoTime();
        TasqFuture<Integer> f = client.schedule(t -> TestJobs.flaky(t, 2), token,
                JobOptions.named(token).retries(3).backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(f.unwrap(Duration.ofSeconds(60))).isEqualTo(3);
        assertThat(f.result().orElseThrow().attempt()).isEqualTo(3);
        assertThat(f.attempts()).isEqualTo(3);
        assertThat(f.lastFailure()).hasValueSatisfying(e -> assertThat(e).hasMessageContaining("flaky call 2"));
    }

    /**
     * Each retry waits its backoff: {@code backoff * 2^(n-1)} after failed attempt {@code n}, capped at
     * the maximum, less a jitter of at most half. The job notes when each attempt started; each gap is
     * at least the least the jitter can leave (a few milliseconds' tolerance for clock rounding), and
     * below a generous bound only, on a busy machine.
     */
    @Test
    void theWaitsBetweenTheAttemptsOfARetriedJobAreItsBackoff() {
        String url = newQueueUrl();
        startWorker(url, 2);
        TasqClient client = connected(url);
        String token = "backoff-" + System.nanoTime();
        long backoff = 200;
        long max = 500;
        TasqFuture<Integer> f = client.schedule(t -> TestJobs.flakyTimed(t, 3), token,
                JobOptions.named(token).retries(3).backoff(Duration.ofMillis(backoff), Duration.ofMillis(max)));
        assertThat(f.unwrap(Duration.ofSeconds(90))).isEqualTo(4);
        List<Long> starts = TestJobs.starts(token);
        assertThat(starts).hasSize(4);
        long tolerance = 20;
        for (int n = 1; n < starts.size(); n++) {
            long gap = (starts.get(n) - starts.get(n - 1)) / 1_000_000;
            long least = Math.min(backoff << (n - 1), max) / 2;
            assertThat(gap).as("the wait after failed attempt %d (its backoff is at least %d ms)", n, least)
                    .isGreaterThanOrEqualTo(least - tolerance).isLessThan(30_000);
        }
    }

    @Test
    void aJobThatSaysDoNotRetryFailsAtOnceAndExhaustedRetriesEndInTheDeadLetters() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        String token = "stop-" + System.nanoTime();
        TasqFuture<Integer> stop = client.schedule(t -> {
            TestJobs.count(t);
            throw new io.tasq.DoNotRetry("bad input, retrying cannot help");
        }, token, JobOptions.named(token).retries(5));
        assertThatThrownBy(() -> stop.unwrap(Duration.ofSeconds(60))).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("bad input");
        assertThat(TestJobs.calls(token)).isEqualTo(1);

        String always = "always-" + System.nanoTime();
        TasqFuture<Integer> doomed = client.schedule(t -> TestJobs.flaky(t, 1_000), always,
                JobOptions.named(always).retries(2).backoff(Duration.ofMillis(50), Duration.ofMillis(100)));
        assertThatThrownBy(() -> doomed.unwrap(Duration.ofSeconds(60))).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("flaky call 3");
        assertThat(TestJobs.calls(always)).isEqualTo(3);
        Backend backend = operatorBackend(url);
        io.tasq.spi.DeadLetters dead = backend.feature(DeadLetters.class)
                .orElseThrow(() -> new AssertionError("every backend keeps dead letters"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(dead.list(1_000)).anySatisfy(d -> {
                    assertThat(d.jobId()).isEqualTo(doomed.jobId());
                    assertThat(d.reason()).contains("failed after 3 attempts");
                }));
    }

    @Test
    void aJobOverItsTimeLimitIsInterruptedAndFailsWithJobTimeoutException() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        String token = "slow-" + System.nanoTime();
        TasqFuture<String> slow = client.schedule(t -> TestJobs.nap(t, 20_000), token,
                JobOptions.named(token).timeout(Duration.ofMillis(500)));
        assertThatThrownBy(() -> slow.unwrap(Duration.ofSeconds(30))).isInstanceOf(io.tasq.JobTimeoutException.class)
                .hasMessageContaining("time limit");
        await().atMost(Duration.ofSeconds(10)).until(() -> TestJobs.calls(token + ":interrupted") == 1);
        // one that ignores the interrupt gives up its slot all the same: the only actor is replaced
        TasqFuture<String> stubborn = client.schedule(TestJobs::spin, 30_000,
                JobOptions.named("stubborn-" + token).timeout(Duration.ofMillis(300)));
        assertThatThrownBy(() -> stubborn.unwrap(Duration.ofSeconds(30))).isInstanceOf(io.tasq.JobTimeoutException.class);
        String next = client.scheduleBlocking(Duration.ofSeconds(30), () -> "next", JobOptions.defaults());
        assertThat(next).isEqualTo("next");
    }

    @Test
    void aCancelledJobNeverRunsAndARunningOneIsInterrupted() {
        String url = newQueueUrl();
        startWorker(url, 2);
        TasqClient client = connected(url);
        String waiting = "waiting-" + System.nanoTime();
        TasqFuture<Integer> later = client.schedule(TestJobs::count, waiting,
                JobOptions.named(waiting).delay(Duration.ofMillis(1500)));
        assertThat(client.cancel(later.jobId())).isTrue();
        assertThat(later.isCancelled()).isTrue();
        assertThatThrownBy(later::unwrap).isInstanceOf(java.util.concurrent.CancellationException.class);

        String running = "running-" + System.nanoTime();
        TasqFuture<String> busy = client.schedule(t -> TestJobs.nap(t, 30_000), running, JobOptions.named(running));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(running) == 1);
        assertThat(busy.cancel(true)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(running + ":interrupted") == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> TestJobs.calls(waiting) == 0);
        assertThat(client.cancel("no-such-job")).isFalse();
    }

    @Test
    void aUniqueJobRunsOnceAndItsTwinsGetItsResult() {
        String url = newQueueUrl();
        Worker worker = startWorker(url, 2);
        TasqClient one = connected(url);
        TasqClient two = connected(url);
        String token = "unique-" + System.nanoTime();
        JobOptions unique = JobOptions.defaults().unique(token, Duration.ofMinutes(1));
        // the first runs until the test lets it go, so that the twins surely come while it is pending
        TasqFuture<Integer> first = one.schedule(t -> {
            TestJobs.holdUntilReleased(t);
            return TestJobs.count(t);
        }, token, unique);
        TasqFuture<Integer> sameClient = one.schedule(t -> TestJobs.count(t) + 100, token, unique);
        assertThat(sameClient).isSameAs(first);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.calls(token + ":started") == 1);
        TasqFuture<Integer> otherClient = two.schedule(t -> TestJobs.count(t) + 100, token, unique);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.stats().received() >= 2);
        TestJobs.release(token);
        assertThat(first.unwrap(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(otherClient.unwrap(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(TestJobs.calls(token)).isEqualTo(1);
        // once it finished, the key is free again
        assertThat(two.schedule(TestJobs::count, token, unique).unwrap(Duration.ofSeconds(30))).isEqualTo(2);
    }

    @Test
    void deadLettersCanBeListedRetriedAndPurged() {
        String url = newQueueUrl();
        startWorker(url, 1);
        Backend backend = operatorBackend(url);
        io.tasq.spi.DeadLetters dead = backend.feature(DeadLetters.class)
                .orElseThrow(() -> new AssertionError("every backend keeps dead letters"));
        long before = dead.count();
        TasqClient unsigned = Tasq.builder().url(url).setting("sign.algorithm", "none").client();
        opened.add(unsigned);
        unsigned.connect();
        TasqFuture<String> refused = unsigned.schedule(() -> "never");
        // refused without a word to its sender (whose address is as unverified as the rest), it waits
        await().atMost(Duration.ofSeconds(30)).until(() -> dead.count() == before + 1);
        assertThat(refused).isNotDone();
        // found by its reason: nothing of a refused message is trusted, its job id included
        io.tasq.spi.DeadLetter letter = dead.list(1_000).stream().filter(d -> d.reason().contains("unsigned"))
                .findFirst().orElseThrow();
        // retried, it is refused again (it is still unsigned) and lands back in the dead letters
        assertThat(dead.retry(List.of(letter.id()))).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dead.list(1_000))
                .anySatisfy(d -> {
                    assertThat(d.reason()).contains("unsigned");
                    assertThat(d.id()).isNotEqualTo(letter.id());
                }));
        assertThat(refused).isNotDone();
        assertThat(dead.purge(List.of())).isGreaterThanOrEqualTo(1);
        assertThat(dead.count()).isZero();
    }

    /** How many jobs {@link #aSteadyLoadLeavesNothingBehind} runs. */
    protected int steadyLoadJobs() {
        return 100_000;
    }

    /**
     * What the queue at {@code url} holds in its server, in whatever unit the backend counts (keys
     * and entries, queues and messages), for {@link #aSteadyLoadLeavesNothingBehind}; -1 for a
     * backend without a server, whose footprint is this JVM's heap (its workers run here).
     */
    protected long footprint(String url) {
        return -1;
    }

    private long measure(String url) {
        long f = footprint(url);
        if (f >= 0) {
            return f;
        }
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed() >> 20; // MiB
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aSteadyLoadLeavesNothingBehind() throws Exception {
        String url = newQueueUrl();
        startWorker(url, 4);
        TasqClient client = connected(url);
        assertThat(client.schedule(() -> 0).unwrap(Duration.ofSeconds(30))).isZero();
        boolean heap = footprint(url) < 0;
        long before = measure(url);
        int n = steadyLoadJobs();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(500);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
        java.util.concurrent.atomic.AtomicLong sum = new java.util.concurrent.atomic.AtomicLong();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < n; i++) {
            window.acquire();
            client.schedule((Integer x) -> x + 1, i).whenComplete((v, e) -> {
                if (e == null) {
                    sum.addAndGet(v);
                } else {
                    errors.add(e);
                }
                window.release();
                done.countDown();
            });
        }
        assertThat(done.await(8, TimeUnit.MINUTES)).as("%d of %d jobs done", n - done.getCount(), n).isTrue();
        assertThat(errors).isEmpty();
        assertThat(sum.get()).isEqualTo((long) n * (n + 1) / 2);
        // what the queue used comes back to where it was: for a server, what it holds; else, the heap (MiB)
        long slack = heap ? 64 : 0;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> measure(url), now -> now <= before + slack);
    }

    @Test
    void liveWorkersAnnounceThemselvesAndDropOffWhenTheyStop() {
        String url = newQueueUrl();
        Worker worker = Worker.builder().backend(url).settings(workerSettings().with("worker.heartbeat", "200ms", "test"))
                .concurrency(2).build().start();
        opened.add(() -> worker.stop(Duration.ofSeconds(5)));
        Backend backend = operatorBackend(url);
        io.tasq.spi.QueueAdmin admin = backend.feature(QueueAdmin.class)
                .orElseThrow(() -> new AssertionError("every backend lists its live workers"));
        TasqClient client = connected(url);
        assertThat(client.schedule(() -> "ran").unwrap(Duration.ofSeconds(30))).isEqualTo("ran");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(admin.workers())
                .anySatisfy(w -> {
                    assertThat(w.workerId()).isEqualTo(worker.id());
                    assertThat(w.concurrency()).isEqualTo(2);
                    assertThat(w.succeeded()).isEqualTo(1);
                    assertThat(w.pid()).isEqualTo(ProcessHandle.current().pid());
                    assertThat(w.liveAt(System.currentTimeMillis())).isTrue();
                }));
        assertThat(admin.stats().deadLetters()).isIn(-1L, 0L);
        worker.stop(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.workers())
                .noneSatisfy(w -> assertThat(w.workerId()).isEqualTo(worker.id())));
    }

    @Test
    void theQueuesRepeatingJobsCanBeListedByAnyClient() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient owner = connected(url);
        String name = "listed-" + System.nanoTime();
        owner.schedule(() -> 1, JobOptions.named(name).every("1h"));
        TasqClient other = connected(url);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                other.listRecurring().unwrap(Duration.ofSeconds(30))).anySatisfy(r -> {
                    assertThat(r.name()).isEqualTo(name);
                    assertThat(r.schedule()).isEqualTo("PT1H");
                    assertThat(r.replyTo()).isEqualTo(owner.clientId());
                    assertThat(r.nextRun()).isAfter(java.time.Instant.now().plusSeconds(3000));
                }));
        assertThat(other.cancelRecurring(name).unwrap(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void aPendingNameCannotBeTakenTwiceButAFinishedOneCan() {
        String url = newQueueUrl();
        TasqClient client = connected(url);
        TasqFuture<String> first = client.schedule(() -> "one", JobOptions.named("same"));
        assertThatThrownBy(() -> client.schedule(() -> "two", JobOptions.named("same")))
                .isInstanceOf(DuplicateJobException.class)
                .hasMessageContaining("'same'")
                .hasMessageContaining("still pending");
        startWorker(url, 1);
        assertThat(first.unwrap(Duration.ofSeconds(30))).isEqualTo("one");
        assertThat(client.schedule(() -> "two", JobOptions.named("same")).unwrap(Duration.ofSeconds(30)))
                .isEqualTo("two");
    }

    @Test
    void closingTheClientFailsItsPendingFutures() {
        String url = newQueueUrl();
        TasqClient client = connected(url);
        TasqFuture<String> f = client.schedule(() -> "never");
        client.close();
        assertThatThrownBy(f::unwrap).isInstanceOf(ClientClosedException.class).hasMessageContaining(f.jobId());
        assertThatThrownBy(() -> client.schedule(() -> "late")).isInstanceOf(ClientClosedException.class);
    }

    @Test
    void manyJobsAllCompleteWithTheRightValues() {
        String url = newQueueUrl();
        startWorker(url, 4);
        TasqClient client = connected(url);
        int n = manyJobs();
        List<TasqFuture<Integer>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(client.schedule(x -> x * 2, i));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(90, TimeUnit.SECONDS).join();
        for (int i = 0; i < n; i++) {
            assertThat(futures.get(i).join()).isEqualTo(i * 2);
        }
    }

    /** How many jobs {@link #manyJobsAllCompleteWithTheRightValues} sends. */
    protected int manyJobs() {
        return 2_000;
    }

}
