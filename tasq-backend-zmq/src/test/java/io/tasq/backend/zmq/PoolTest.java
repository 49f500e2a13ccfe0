package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.ConfigurationException;
import io.tasq.JobOptions;
import io.tasq.JobResult;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client over a pool of brokerless workers, with the workers in this JVM on loopback ports (the
 * launcher's test kills worker processes).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolTest {

    @RegisterExtension
    final ZmqFixture zmq = new ZmqFixture();

    private Worker worker(int port, int concurrency) {
        return zmq.worker("zmq://127.0.0.1:" + port, TestKeys.worker(), concurrency);
    }

    private TasqClient client(String url) {
        return zmq.client(url, TestKeys.client());
    }

    private static String pool(int... ports) {
        return "zmq://" + java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p)
                .collect(Collectors.joining(","));
    }

    /** Which worker ran each of these jobs. */
    private static Map<String, Long> ranOn(List<TasqFuture<String>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return futures.stream().map(f -> f.result().map(JobResult::workerId).orElseThrow())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static List<TasqFuture<String>> naps(TasqClient client, int n, int millis) {
        List<TasqFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(client.schedule(ms -> TestJobs.nap("pool", ms), millis));
        }
        return futures;
    }

    /** Waits until every one of these workers has run a job for the client: all of them are up. */
    private static void awaitAllUp(TasqClient client, Worker... workers) {
        Set<String> ids = java.util.Arrays.stream(workers).map(Worker::id).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(30)).until(() -> ranOn(naps(client, 3 * ids.size(), 1)).keySet()
                .containsAll(ids));
    }

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "random", "least-pending"})
    void eachRouterSpreadsTheJobsOverEveryWorker(String router) throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        int c = Ports.freePair();
        Worker[] workers = {worker(a, 2), worker(b, 2), worker(c, 2)};
        TasqClient client = client(pool(a, b, c) + "?router=" + router);
        awaitAllUp(client, workers);

        Map<String, Long> counts = ranOn(naps(client, 60, 20));

        assertThat(counts.keySet()).containsExactlyInAnyOrder(workers[0].id(), workers[1].id(), workers[2].id());
        if (!router.equals("random")) {
            assertThat(counts.values()).as(counts.toString()).allSatisfy(n -> assertThat(n).isBetween(10L, 30L));
        }
    }

    @Test
    void roundRobinTakesTheWorkersInTurn() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        Worker[] workers = {worker(a, 1), worker(b, 1)};
        TasqClient client = client(pool(a, b) + "?router=round-robin");
        awaitAllUp(client, workers);

        assertThat(ranOn(naps(client, 40, 1)).values()).containsExactly(20L, 20L);
    }

    @Test
    void leastPendingSendsNewJobsAwayFromABusyWorker() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        Worker slow = worker(a, 1);
        Worker other = worker(b, 1);
        TasqClient client = client(pool(a, b) + "?router=least-pending");
        awaitAllUp(client, slow, other);
        // one long job occupies one of the two; every short job after it goes to the other
        TasqFuture<String> longJob = client.schedule(ms -> TestJobs.nap("pool-long", ms), 3_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestJobs.calls("pool-long") == 1);
        List<TasqFuture<String>> shortJobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TasqFuture<String> f = client.schedule(ms -> TestJobs.nap("pool", ms), 1);
            f.get(30, TimeUnit.SECONDS); // one at a time: the long job stays the only one pending elsewhere
            shortJobs.add(f);
        }
        longJob.unwrap(Duration.ofSeconds(30));
        String busy = longJob.result().orElseThrow().workerId();
        assertThat(ranOn(shortJobs).keySet()).doesNotContain(busy).hasSize(1);
    }

    @Test
    void aStoppingWorkerHandsItsJobsBackAndTheOthersRunThem() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        Worker first = worker(a, 1);
        Worker second = worker(b, 1);
        TasqClient client = client(pool(a, b) + "?router=round-robin");
        awaitAllUp(client, first, second);
        List<TasqFuture<String>> futures = naps(client, 20, 100);
        await().atMost(Duration.ofSeconds(10)).until(() -> futures.stream().anyMatch(CompletableFuture::isDone));

        first.stop(Duration.ofMillis(50));

        Map<String, Long> counts = ranOn(futures);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
        assertThat(counts.get(second.id())).isGreaterThan(10L);
    }

    @Test
    void aWorkerAddedAtRunTimeGetsWork() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        worker(a, 1);
        TasqClient client = client(pool(a));
        assertThat(client.scheduleBlocking(Duration.ofSeconds(30), () -> "one", JobOptions.defaults())).isEqualTo("one");
        Worker added = worker(b, 1);

        client.addWorker("zmq://127.0.0.1:" + b);
        client.addWorker("127.0.0.1:" + b); // already there: nothing changes

        await().atMost(Duration.ofSeconds(30)).until(() -> ranOn(naps(client, 4, 1)).containsKey(added.id()));
        assertThatThrownBy(() -> client.addWorker("redis://127.0.0.1:6379"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a ZMQ worker's address");
        assertThatThrownBy(() -> client.addWorker("zmq://h1:1,h2:2"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("must name one worker");
    }

    @Test
    void severalClientsOverThePoolEachGetTheirOwnResults() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        worker(a, 2);
        worker(b, 2);
        String url = pool(a, b);
        List<TasqClient> clients = List.of(client(url), client(url), client(url));
        List<List<TasqFuture<TestJobs.Tagged>>> all = new ArrayList<>();
        for (TasqClient c : clients) {
            List<TasqFuture<TestJobs.Tagged>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(c.schedule((id, n) -> new TestJobs.Tagged(id, n), c.clientId(), i));
            }
            all.add(futures);
        }
        for (int k = 0; k < clients.size(); k++) {
            for (int i = 0; i < 300; i++) {
                assertThat(all.get(k).get(i).unwrap(Duration.ofSeconds(60)))
                        .isEqualTo(new TestJobs.Tagged(clients.get(k).clientId(), i));
            }
        }
    }

    @Test
    void jobsWaitForTheFirstWorkerOfThePoolToComeUp() throws Exception {
        int a = Ports.freePair();
        int b = Ports.freePair();
        TasqClient client = client(pool(a, b));
        List<TasqFuture<String>> futures = naps(client, 10, 1);
        assertThat(client.pendingJobs()).hasSize(10);

        Worker late = worker(b, 2);

        assertThat(ranOn(futures)).containsOnlyKeys(late.id());
    }

    @Test
    void badPoolUrlsAreClearErrors() {
        assertThatThrownBy(() -> Tasq.builder().url("zmq://127.0.0.1:9000,127.0.0.1:9100?results-port=9500")
                .settings(TestKeys.client()).client())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("results-port cannot be given");
        assertThatThrownBy(() -> Tasq.builder().url("zmq://127.0.0.1:9000,127.0.0.1:9100?router=fastest")
                .settings(TestKeys.client()).client())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown router 'fastest'").hasMessageContaining("least-pending");
        assertThatThrownBy(() -> Tasq.builder().url("zmq://127.0.0.1:9000,127.0.0.1:9000")
                .settings(TestKeys.client()).client())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("named twice");
        assertThatThrownBy(() -> Worker.builder().backend("zmq://127.0.0.1:9000,127.0.0.1:9100")
                .settings(TestKeys.worker()).build().start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a worker listens on one address");
    }
}
