package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tq worker} as a real process over the brokerless backend. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TqWorkerIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**");

    @Test
    void tenThousandJobsFromOneClientAllCompleteCorrectlyThenSigtermStopsCleanly() throws Exception {
        int port = Ports.freePair();
        String url = "zmq://127.0.0.1:" + port;
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--workers", "4")) {
            assertThat(tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60)))
                    .contains("tcp://127.0.0.1:" + port).contains("4 actors");
            try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
                client.connect();
                List<TasqFuture<Long>> futures = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    futures.add(client.schedule((a, b) -> (long) a * b, i, 3));
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                for (int i = 0; i < 10_000; i++) {
                    assertThat(futures.get(i).join()).isEqualTo(i * 3L);
                }
                String remote = client.scheduleBlocking(Duration.ofSeconds(30),
                        () -> "pid " + ProcessHandle.current().pid(), JobOptions.defaults());
                assertThat(remote).isEqualTo("pid " + tq.pid() + "").as("the job ran in the tq process");
            }
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
            assertThat(tq.output()).as(tq.output()).contains("stopping").contains("stopped");
        }
    }

    @Test
    void aWorkerWithoutAKeyRefusesToStartAndSaysWhatToDo() throws Exception {
        try (TqProcess tq = TqProcess.start(Map.of(), "worker", "--backend", "zmq://127.0.0.1:" + Ports.freePair())) {
            assertThat(tq.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(tq.output()).contains("no key to verify jobs with").contains("TASQ_SIGN_KEY")
                    .contains("--insecure");
        }
    }

    @Test
    void anInsecureWorkerSaysSoLoudlyAtStartAndRunsUnsignedJobs() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        try (TqProcess tq = TqProcess.startWithTestClasses(Map.of("TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**"),
                "worker", "--backend", url, "--insecure")) {
            assertThat(tq.awaitLine("INSECURE", Duration.ofSeconds(60))).contains("WARN").contains("UNSIGNED")
                    .contains("anyone who can reach");
            assertThat(tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60)))
                    .contains("UNSIGNED JOBS ACCEPTED (insecure)");
            try (TasqClient unsigned = Tasq.builder().url(url).setting("sign.algorithm", "none").client()) {
                unsigned.connect();
                assertThat(unsigned.schedule(() -> ProcessHandle.current().pid()).unwrap(Duration.ofSeconds(60)))
                        .isEqualTo(tq.pid());
            }
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aBadUrlIsAClearError() throws Exception {
        try (TqProcess tq = TqProcess.start(ENV, "worker", "--backend", "kafka://somewhere:9092")) {
            assertThat(tq.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(tq.output()).contains("no backend for the URL scheme 'kafka'");
        }
    }
}
