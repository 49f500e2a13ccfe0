package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Results go back to the client that sent the job, however many clients and workers share the queue. */
class ManyClientsTest extends BrokerTestSupport {

    @Test
    void threeClientsAndTwoWorkersEachClientGetsExactlyItsOwnResults() {
        String url = newQueueUrl();
        Worker a = startWorker(url, 3);
        Worker b = startWorker(url, 3);
        List<TasqClient> clients = List.of(connected(url), connected(url), connected(url));
        List<List<TasqFuture<TestJobs.Tagged>>> futures = new ArrayList<>();
        for (TasqClient c : clients) {
            futures.add(new ArrayList<>());
        }
        // interleaved, so every worker sees jobs of every client
        for (int i = 0; i < 400; i++) {
            for (int c = 0; c < clients.size(); c++) {
                String me = clients.get(c).clientId();
                futures.get(c).add(clients.get(c).schedule((who, n) -> {
                    TestJobs.work(1);
                    return new TestJobs.Tagged(who, n);
                }, me, i));
            }
        }
        for (int c = 0; c < clients.size(); c++) {
            for (int i = 0; i < 400; i++) {
                TasqFuture<TestJobs.Tagged> f = futures.get(c).get(i);
                assertThat(f.unwrap(Duration.ofSeconds(60))).isEqualTo(new TestJobs.Tagged(clients.get(c).clientId(), i));
            }
            // no result of another client's job ever reached this one
            assertThat(clients.get(c).results()).hasSize(400);
        }
        assertThat(a.stats().succeeded() + b.stats().succeeded()).isEqualTo(1200);
        assertThat(a.stats().succeeded()).isPositive();
        assertThat(b.stats().succeeded()).isPositive();
    }
}
