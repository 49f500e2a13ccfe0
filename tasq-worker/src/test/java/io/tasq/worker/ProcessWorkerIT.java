package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.JobFailedException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tq worker --worker-type process --workers 2}: jobs run in two child JVMs at once; one that
 * ends its JVM fails alone.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProcessWorkerIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**");

    @Test
    void jobsThatExitExhaustMemoryOrCrashFailClearlyAndTheWorkerGoesOnInTwoProcesses(@TempDir Path marks)
            throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url, "--worker-type",
                "process", "--workers", "2", "--child-heap", "64m")) {
            assertThat(tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60))).contains("2 processes");
            try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
                client.connect();
                long first = client.schedule(Crash::pid, 0).unwrap(Duration.ofSeconds(60));
                assertThat(first).isNotEqualTo(tq.pid()).as("the job ran in a child, not in the worker");

                assertThatThrownBy(() -> client.schedule(Crash::exit, 1).unwrap(Duration.ofSeconds(60)))
                        .isInstanceOfSatisfying(JobFailedException.class, e -> {
                            assertThat(e.remoteType()).endsWith("ChildProcessDiedException");
                            assertThat(e.remoteMessage()).contains("exit code 1").contains("System.exit(1)");
                        });
                assertThatThrownBy(() -> client.schedule(Crash::exhaustMemory, 0).unwrap(Duration.ofSeconds(60)))
                        .isInstanceOfSatisfying(JobFailedException.class, e -> {
                            assertThat(e.remoteType()).isEqualTo("java.lang.OutOfMemoryError");
                            assertThat(e.remoteMessage()).contains("ran out of memory");
                        });
                assertThatThrownBy(() -> client.schedule(Crash::segfault, 0).unwrap(Duration.ofSeconds(60)))
                        .isInstanceOfSatisfying(JobFailedException.class,
                                e -> assertThat(e.remoteMessage()).contains("crashed its child JVM"));

                // the worker replaced its children and serves on, in two processes: two jobs that each
                // wait for the other run at the same time, in two children
                TasqFuture<Long> one = client.schedule(Crash::meetAnother, marks.toString(), 1);
                TasqFuture<Long> two = client.schedule(Crash::meetAnother, marks.toString(), 2);
                Set<Long> children = new HashSet<>(List.of(one.unwrap(Duration.ofSeconds(60)),
                        two.unwrap(Duration.ofSeconds(60))));
                assertThat(children).hasSize(2).doesNotContain(tq.pid());
                // and only in them
                Set<Long> pids = new HashSet<>();
                for (int i = 0; i < 20; i++) {
                    pids.add(client.schedule(Crash::pid, i).unwrap(Duration.ofSeconds(60)));
                }
                assertThat(pids).isSubsetOf(children);
            }
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
