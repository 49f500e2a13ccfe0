package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.map;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Backend;
import io.tasq.spi.Providers;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tq inspect --json} against a real {@code tq worker} on the real Redis
 * ({@code TASQ_TEST_REDIS_URL}, else {@code redis://127.0.0.1:6379/0}), for a queue in a known
 * state: its worker, what waits, runs, waits for its time, repeats and was refused.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisInspectIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**", "TASQ_WORKER_HEARTBEAT", "500ms");

    private final String queue = "inspect-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final String url = TestServers.redis() + "?name=" + queue;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAndDeleteTheQueue() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        TestServers.deleteRedisQueue(queue);
    }

    private TasqClient client(Map<String, String> settings) {
        TasqClient c = Tasq.builder().url(url).settings(settings).client();
        opened.add(c);
        c.connect();
        return c;
    }

    @Test
    void tqInspectShowsTheWorkerTheDepthTheRepeatingJobsAndTheDeadLettersOfARedisQueue() throws Exception {
        // smallest-mailbox: the request tq inspect makes goes to the idle actor, not behind the job that sleeps
        TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--workers", "2",
                "--router", "smallest-mailbox", "--shutdown-timeout", "1s");
        opened.add(tq);
        tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
        TasqClient client = client(TestKeys.client());
        for (int i = 0; i < 3; i++) {
            assertThat(client.schedule(Sleepy::pid, i).unwrap(Duration.ofSeconds(30))).isEqualTo(tq.pid());
        }
        client.schedule(Sleepy::pid, 0, JobOptions.named("hourly").every("1h"));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.listRecurring().unwrap(Duration.ofSeconds(10))
                .size() == 1);
        for (int i = 0; i < 2; i++) {
            client.schedule(Sleepy::pid, i, JobOptions.named("in-an-hour-" + i).delay(Duration.ofHours(1)));
        }
        TasqFuture<Long> refused = client(Map.of("sign.algorithm", "none")).schedule(Sleepy::pid, 0);
        client.schedule(Sleepy::sleep, 120_000); // runs while we look

        // the known state: 0 waiting, 1 running, 2 delayed, 1 dead letter; the worker ran 3 and runs 1
        Backend backend = Providers.backend(url, Settings.empty());
        opened.add(backend);
        QueueAdmin admin = backend.feature(QueueAdmin.class).orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.stats().equals(new QueueStats(0, 1, 2, 1))
                && admin.workers().size() == 1 && admin.workers().get(0).running() == 1);

        try (TqProcess inspect = TqProcess.start(ENV, "inspect", "--backend", url, "--json")) {
            assertThat(inspect.waitFor(Duration.ofSeconds(60))).isZero();
            Map<String, Object> json = JSON.std.mapFrom(inspect.output().substring(inspect.output().indexOf('{')));
            assertThat(json).containsEntry("queue", url).containsEntry("deadLetters", 1);
            assertThat((List<?>) json.get("workers")).singleElement(map(String.class, Object.class))
                    .containsEntry("pid", (int) tq.pid())
                    .containsEntry("workerType", "actor")
                    .containsEntry("concurrency", 2)
                    .containsEntry("succeeded", 3)
                    .containsEntry("failed", 0)
                    .containsEntry("rejected", 1)
                    .containsEntry("running", 1)
                    .containsEntry("intervalMillis", 500)
                    .containsEntry("backend", url)
                    .containsKeys("workerId", "host", "startedAt", "heartbeatAt");
            assertThat(json.get("depth")).asInstanceOf(map(String.class, Object.class)).containsEntry("waiting", 0).containsEntry("inFlight", 1)
                    .containsEntry("delayed", 2).containsEntry("deadLetters", 1);
            assertThat((List<?>) json.get("recurring")).singleElement(map(String.class, Object.class))
                    .containsEntry("name", "hourly").containsEntry("schedule", "PT1H");
        }

        // stopped, the worker drops off the live list at once
        assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        assertThat(admin.workers()).isEmpty();
    }
}
