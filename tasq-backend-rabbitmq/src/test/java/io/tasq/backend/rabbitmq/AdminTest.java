package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.ConfigurationException;
import io.tasq.TasqClient;
import io.tasq.core.worker.Worker;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator sees of a RabbitMQ queue: its live workers, and its depth against a known state. */
class AdminTest extends BrokerTestSupport {

    private QueueAdmin admin(String url) {
        return rawBackend(url).feature(QueueAdmin.class).orElseThrow();
    }

    @Test
    void liveWorkersAnswerWithTheirHeartbeatAndAStoppedOneDropsOff() {
        String url = newQueueUrl();
        Worker one = startWorker(url, 2);
        Worker two = startWorker(url, 3);
        TasqClient client = connected(url);
        assertThat(client.schedule(() -> "done").unwrap(Duration.ofSeconds(30))).isEqualTo("done");
        QueueAdmin admin = admin(url);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<WorkerInfo> workers = admin.workers();
            assertThat(workers).extracting(WorkerInfo::workerId).containsExactlyInAnyOrder(one.id(), two.id());
            assertThat(workers).allSatisfy(w -> {
                assertThat(w.backend()).startsWith("amqp://guest:****@");
                assertThat(w.workerType()).isEqualTo("actor");
                assertThat(w.pid()).isEqualTo(ProcessHandle.current().pid());
            });
            assertThat(workers).extracting(WorkerInfo::concurrency).containsExactlyInAnyOrder(2, 3);
            assertThat(workers.stream().mapToLong(WorkerInfo::succeeded).sum()).isEqualTo(1);
        });

        two.stop(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> admin.workers().stream().map(WorkerInfo::workerId).toList(), l -> l.equals(List.of(one.id())));
        one.stop(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.workers().isEmpty());
    }

    @Test
    void theDepthIsTheBrokersCountOfWaitingJobsAndDeadLetters() throws Exception {
        String url = newQueueUrl();
        TasqClient client = connected(url);
        for (int i = 0; i < 3; i++) {
            client.schedule(() -> "later");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> client.pendingJobs().stream().allMatch(p -> p.sent()));
        QueueAdmin admin = admin(url);
        await().atMost(Duration.ofSeconds(10)).until(admin::stats, s -> s.waiting() == 3 && s.deadLetters() == 0);

        // an envelope no worker can read ends in the dead letters
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            ch.basicPublish("", "tasq." + TestBroker.nameOf(url) + ".jobs",
                    new AMQP.BasicProperties.Builder().deliveryMode(2).messageId("garbage").build(),
                    "not an envelope".getBytes(StandardCharsets.UTF_8));
        }
        startWorker(url, 1);
        QueueStats after = await().atMost(Duration.ofSeconds(30)).until(admin::stats,
                s -> s.waiting() == 0 && s.deadLetters() == 1);
        assertThat(after.inFlight()).isEqualTo(-1);
    }

    @Test
    void aQueueNobodyUsedIsNamedInTheError() {
        String url = TestBroker.queueUrl("") ;
        QueueAdmin admin = admin(url);
        assertThat(admin.workers()).isEmpty();
        assertThatThrownBy(admin::stats).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("tasq." + TestBroker.nameOf(url) + ".jobs");
    }
}
