package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One client over a pool of {@code tq worker} processes: one is killed with SIGKILL mid-run, one comes back, one is added. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ZmqPoolIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**");

    private final List<TqProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(TqProcess::close);
    }

    private TqProcess worker(int port) throws Exception {
        TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", "zmq://127.0.0.1:" + port,
                "--workers", "2");
        processes.add(tq);
        tq.awaitLine("Listening for jobs on", Duration.ofSeconds(90));
        return tq;
    }

    private static List<TasqFuture<String>> submit(TasqClient client, int from, int to) {
        List<TasqFuture<String>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(client.schedule(Sleepy::napAndTell, i));
        }
        return futures;
    }

    /** The pids that ran these jobs, after checking each result. */
    private static Set<Long> check(List<TasqFuture<String>> futures, int from) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(150, TimeUnit.SECONDS);
        for (int i = 0; i < futures.size(); i++) {
            String[] pidAndN = futures.get(i).join().split(":");
            assertThat(Integer.parseInt(pidAndN[1])).isEqualTo(from + i);
        }
        return futures.stream().map(f -> Long.parseLong(f.join().split(":")[0])).collect(Collectors.toSet());
    }

    @Test
    void aKilledWorkerIsTakenOutItsJobsRunOnTheOthersAndWorkersThatComeBackOrAreAddedGetWork() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        int c = Ports.freePair();
        TqProcess wa = worker(a);
        TqProcess wb = worker(b);
        TqProcess wc = worker(c);
        String url = "zmq://127.0.0.1:" + a + ",127.0.0.1:" + b + ",127.0.0.1:" + c + "?router=least-pending";
        try (TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            client.connect();
            // jobs go only to workers that answered a ping: wait until all three did
            await().atMost(Duration.ofSeconds(60)).until(() -> check(submit(client, 0, 30), 0).size() == 3);
            List<TasqFuture<String>> first = submit(client, 0, 900);
            await().atMost(Duration.ofSeconds(120)).until(() -> first.stream().filter(CompletableFuture::isDone).count() >= 150);

            wb.signal("KILL");

            assertThat(check(first, 0)).as("every job ran, on the three workers")
                    .containsExactlyInAnyOrder(wa.pid(), wb.pid(), wc.pid());
            assertThat(first).as("the killed worker's jobs went to the others, sent again")
                    .anyMatch(f -> f.result().orElseThrow().attempt() > 1);
            assertThat(client.pendingJobs()).isEmpty();

            TqProcess back = worker(b);
            await().atMost(Duration.ofSeconds(60)).until(() -> check(submit(client, 0, 30), 0).contains(back.pid()));

            int d = Ports.freePair();
            TqProcess added = worker(d);
            client.addWorker("zmq://127.0.0.1:" + d);
            await().atMost(Duration.ofSeconds(60)).until(() -> check(submit(client, 0, 40), 0).contains(added.pid()));
            assertThat(check(submit(client, 0, 200), 0)).as("the pool is back to three and one added")
                    .containsExactlyInAnyOrder(wa.pid(), back.pid(), wc.pid(), added.pid());
        }
    }
}
