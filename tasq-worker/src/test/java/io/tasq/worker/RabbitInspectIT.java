package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tq inspect --json} against a RabbitMQ queue in a known state, with a real {@code tq worker} on it. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RabbitInspectIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
            "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**");

    @Test
    void inspectShowsTheWorkerTheDepthTheDeadLettersAndTheRepeatingJobs() throws Exception {
        String base = TestServers.amqp();
        String name = "inspect-" + UUID.randomUUID().toString().substring(0, 8);
        String url = base + "?name=" + name + "&queue-expires=10m&result-ttl=10m";
        try (TqProcess tq = TqProcess.startWithTestClasses(ENV, "worker", "--backend", url);
                TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            client.connect();
            for (int i = 0; i < 2; i++) {
                client.schedule(Sleepy::pid, i).unwrap(Duration.ofSeconds(30));
            }
            client.schedule(Sleepy::pid, 0, JobOptions.named("hourly").every("1h"));
            await().atMost(Duration.ofSeconds(30)).until(() -> client.listRecurring().unwrap(Duration.ofSeconds(10))
                    .size() == 1);
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(base);
            try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
                ch.basicPublish("", "tasq." + name + ".jobs", new AMQP.BasicProperties.Builder().deliveryMode(2)
                        .messageId("garbage").build(), "not an envelope".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> ch.queueDeclarePassive("tasq." + name + ".dead").getMessageCount() == 1);
            }
            TestServers.awaitHeartbeat(url, w -> w.succeeded() == 2 && w.rejected() == 1);

            try (TqProcess inspect = TqProcess.start(ENV, "inspect", "--backend", url, "--json")) {
                assertThat(inspect.waitFor(Duration.ofSeconds(60))).isZero();
                Map<String, Object> json = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(inspect.output()
                        .substring(inspect.output().indexOf('{')));
                assertThat(json).containsEntry("deadLetters", 1);
                assertThat((List<?>) json.get("workers")).hasSize(1);
                Map<?, ?> worker = (Map<?, ?>) ((List<?>) json.get("workers")).get(0);
                assertThat(worker.get("pid")).isEqualTo((int) tq.pid());
                assertThat(worker.get("succeeded")).isEqualTo(2);
                assertThat(worker.get("rejected")).isEqualTo(1);
                Map<?, ?> depth = (Map<?, ?>) json.get("depth");
                assertThat(depth.get("waiting")).isEqualTo(0);
                assertThat(depth.get("deadLetters")).isEqualTo(1);
                assertThat((List<?>) json.get("recurring")).hasSize(1);
                Map<?, ?> recurring = (Map<?, ?>) ((List<?>) json.get("recurring")).get(0);
                assertThat(recurring.get("name")).isEqualTo("hourly");
                assertThat(recurring.get("schedule")).isEqualTo("PT1H");
            }
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        } finally {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(base);
            try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
                for (String q : List.of("jobs", "dead", "schedules")) {
                    ch.queueDelete("tasq." + name + "." + q);
                }
            }
        }
    }
}
