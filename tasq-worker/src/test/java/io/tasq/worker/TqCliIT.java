package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as an operator uses it: real tq processes. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TqCliIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**");

    private static TasqClient client(String url) {
        TasqClient c = Tasq.builder().url(url).settings(TestKeys.client()).client();
        c.connect();
        return c;
    }

    @Test
    void tqWorkersServesEveryAddressAndStopsThemTogether() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "workers",
                "127.0.0.1:" + a + ":" + (a + 1) + ",127.0.0.1:" + b + ":" + (b + 1), "--workers", "2")) {
            tq.awaitLine("tcp://127.0.0.1:" + a, Duration.ofSeconds(60));
            tq.awaitLine("tcp://127.0.0.1:" + b, Duration.ofSeconds(60));
            try (TasqClient ca = client("zmq://127.0.0.1:" + a); TasqClient cb = client("zmq://127.0.0.1:" + b)) {
                assertThat(ca.schedule(Sleepy::pid, 0).unwrap(Duration.ofSeconds(30))).isEqualTo(tq.pid());
                assertThat(cb.schedule(Sleepy::pid, 0).unwrap(Duration.ofSeconds(30))).isEqualTo(tq.pid());
            }
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
            assertThat(tq.output().lines().filter(l -> l.contains("stopped (")).count()).isEqualTo(2);
        }
    }

    @Test
    void fileThenEnvironmentThenFlagsAndClearErrorsForBadConfig(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("tasq.json");
        Files.writeString(conf, "{\"worker\": {\"concurrency\": 2, \"router\": \"random\"}, \"worker.type\": \"actor\"}");
        Map<String, String> env = new HashMap<>(ENV);
        env.put("TASQ_WORKER_ROUTER", "smallest-mailbox");
        int port = Ports.freePair();
        try (TqProcess tq = TqProcess.startWithTestClasses(env, "worker", "-f", conf.toString(), "--backend",
                "zmq://127.0.0.1:" + port, "--workers", "3")) {
            // the flag beats the file (3, not 2); the environment beats the file (smallest-mailbox, not random)
            assertThat(tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60)))
                    .contains("3 actors").contains("smallest-mailbox routing");
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        }
        try (TqProcess show = TqProcess.start(env, "config", "--show", "-f", conf.toString())) {
            assertThat(show.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(show.output()).containsPattern("worker.concurrency\\s+2\\s+file " + Pattern.quote(conf.toString()))
                    .containsPattern("worker.router\\s+smallest-mailbox\\s+environment")
                    .containsPattern("sign.key\\s+\\*\\*\\*\\*\\s+environment")
                    .doesNotContain(TestKeys.KEY);
        }
        Files.writeString(conf, "{\"worker\": {\"concurency\": 2}}");
        try (TqProcess bad = TqProcess.start(ENV, "worker", "-f", conf.toString())) {
            assertThat(bad.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(bad.output()).contains("'worker.concurency' (from file " + conf + ")");
        }
        Files.writeString(conf, "{\"worker.concurrency\": \"many\"}");
        try (TqProcess bad = TqProcess.start(ENV, "worker", "-f", conf.toString())) {
            assertThat(bad.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(bad.output()).contains("setting 'worker.concurrency' (from file " + conf + "): 'many' is not a whole number");
        }
    }

    @Test
    void sigtermLetsRunningJobsFinishWithinTheGracePeriodThenExitsZero(@TempDir Path dir) throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--shutdown-timeout", "20s");
                TasqClient client = client(url)) {
            tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            assertThat(client.schedule(Sleepy::pid, 0).unwrap(Duration.ofSeconds(30))).isEqualTo(tq.pid());
            TasqFuture<String> slow = client.schedule(Sleepy::markThenSleepQuietly, dir.toString(), 3_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> Sleepy.started(dir, 3_000));
            assertThat(tq.terminate(Duration.ofSeconds(60))).isZero();
            assertThat(slow.unwrap(Duration.ofSeconds(5))).isEqualTo("slept 3000");
            assertThat(tq.output()).contains("stopping: no new jobs");
        }
    }

    @Test
    void aJobOverTheGracePeriodIsHandedBackAndRunsOnTheNextWorker(@TempDir Path dir) throws Exception {
        int port = Ports.freePair();
        String url = "zmq://127.0.0.1:" + port;
        try (TasqClient client = client(url)) {
            TasqFuture<String> slow;
            try (TqProcess first = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--shutdown-timeout", "1s")) {
                first.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
                slow = client.schedule(Sleepy::markThenSleepQuietly, dir.toString(), 8_000);
                await().atMost(Duration.ofSeconds(30)).until(() -> Sleepy.started(dir, 8_000));
                assertThat(first.terminate(Duration.ofSeconds(60))).isZero();
                assertThat(first.output()).contains("handing them back");
            }
            assertThat(slow.isDone()).isFalse();
            try (TqProcess second = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url)) {
                second.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
                assertThat(slow.unwrap(Duration.ofSeconds(60))).isEqualTo("slept 8000");
                assertThat(slow.result().orElseThrow().attempt()).isEqualTo(2);
                assertThat(second.terminate(Duration.ofSeconds(30))).isZero();
            }
        }
    }

    @Test
    void tqDeadListsRetriesAndPurgesTheDeadLetters() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        listRetryAndPurgeAnUnsignedJob(url, "1 dead letter in " + url);
    }

    /**
     * A {@code tq worker} on {@code url} refuses an unsigned job; {@code tq dead list} shows it (the
     * listing starting with {@code listed}), {@code tq dead retry} sends it back, where it is refused
     * again (still unsigned) and comes back under a new id, and {@code tq dead purge} deletes it.
     */
    private static void listRetryAndPurgeAnUnsignedJob(String url, String listed) throws Exception {
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url);
                TasqClient unsigned = Tasq.builder().url(url).setting("sign.algorithm", "none").client()) {
            tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            unsigned.connect();
            TasqFuture<Long> refused = unsigned.schedule(Sleepy::pid, 0);
            // refused without a reply (its sender is as unverified as the rest); the worker says so in its log
            tq.awaitLine("failed verification", Duration.ofSeconds(30));
            listRetryAndPurge(url, listed, refused.jobId());
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    private static void listRetryAndPurge(String url, String listed, String jobId) throws Exception {
        String id;
        try (TqProcess list = TqProcess.start(ENV, "dead", "list", "--backend", url)) {
            assertThat(list.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(list.output()).contains(listed).contains(jobId).contains("unsigned");
            id = deadLetterId(list.output(), jobId);
        }
        try (TqProcess retry = TqProcess.start(ENV, "dead", "retry", "--backend", url, id)) {
            assertThat(retry.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(retry.output()).contains("sent 1 dead letter(s) back");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (TqProcess list = TqProcess.start(ENV, "dead", "list", "--backend", url)) {
                assertThat(list.waitFor(Duration.ofSeconds(60))).isZero();
                assertThat(list.output()).contains("1 dead letter in").contains(jobId).doesNotContain(id);
            }
        });
        try (TqProcess purge = TqProcess.start(ENV, "dead", "purge", "--backend", url)) {
            assertThat(purge.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(purge.output()).contains("deleted 1 dead letter(s)");
        }
    }

    /** The id of the dead letter of job {@code jobId} in what {@code tq dead list} printed. */
    private static String deadLetterId(String listed, String jobId) {
        java.util.regex.Matcher m = Pattern.compile("(?m)^(\\S+)\\s+job " + Pattern.quote(jobId)).matcher(listed);
        assertThat(m.find()).as(listed).isTrue();
        return m.group(1);
    }

    /** The RabbitMQ of the backend's own tests: {@code TASQ_TEST_AMQP_URL}, else the local one. */
    private static String amqpQueueUrl() {
        String base = System.getenv().getOrDefault("TASQ_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f");
        return base + (base.contains("?") ? "&" : "?") + "name=tq-dead-" + System.nanoTime() + "&queue-expires=10m";
    }

    @Test
    void tqDeadListsRetriesAndPurgesRabbitMqDeadLetters() throws Exception {
        String url = amqpQueueUrl();
        listRetryAndPurgeAnUnsignedJob(url, "1 dead letter in amqp://");
    }

    @Test
    void tqInspectShowsTheQueueAndMetricsAreServedForPrometheus() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        int metricsPort = Ports.free();
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--metrics-port",
                Integer.toString(metricsPort), "--metrics-host", "127.0.0.1");
                TasqClient client = client(url)) {
            tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            for (int i = 0; i < 3; i++) {
                client.schedule(Sleepy::pid, i).unwrap(Duration.ofSeconds(30));
            }
            client.schedule(Sleepy::pid, 0, io.tasq.JobOptions.named("hourly").every("1h"));
            await().atMost(Duration.ofSeconds(30)).until(() -> client.listRecurring().unwrap(Duration.ofSeconds(10))
                    .size() == 1);
            TestServers.awaitHeartbeat(url, w -> w.succeeded() == 3);
            try (TqProcess inspect = TqProcess.start(ENV, "inspect", "--backend", url, "--json")) {
                assertThat(inspect.waitFor(Duration.ofSeconds(60))).isZero();
                Map<String, Object> json = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(inspect.output()
                        .substring(inspect.output().indexOf('{')));
                assertThat(json).containsEntry("queue", url).containsEntry("deadLetters", 0);
                assertThat((java.util.List<?>) json.get("workers")).hasSize(1);
                Map<?, ?> worker = (Map<?, ?>) ((java.util.List<?>) json.get("workers")).get(0);
                assertThat(worker.get("pid")).isEqualTo((int) tq.pid());
                assertThat(worker.get("succeeded")).isEqualTo(3);
                assertThat((java.util.List<?>) json.get("recurring")).hasSize(1);
                Map<?, ?> recurring = (Map<?, ?>) ((java.util.List<?>) json.get("recurring")).get(0);
                assertThat(recurring.get("name")).isEqualTo("hourly");
                assertThat(recurring.get("schedule")).isEqualTo("PT1H");
            }
            java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).containsPattern("tasq_worker_jobs_total\\{outcome=\"succeeded\".*\\} 3\\.0")
                    .contains("tasq_worker_job_run_seconds_count");
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aSecondSignalStopsAtOnce(@TempDir Path dir) throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--shutdown-timeout", "120s");
                TasqClient client = client(url)) {
            tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            client.schedule(Sleepy::markThenSpin, dir.toString(), 100_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> Sleepy.started(dir, 100_000));
            tq.signal("INT");
            tq.awaitLine("stopping: no new jobs", Duration.ofSeconds(30));
            tq.signal("INT");
            assertThat(tq.waitFor(Duration.ofSeconds(20))).isEqualTo(130);
            assertThat(tq.output()).contains("second signal: stopping at once");
        }
    }
}
