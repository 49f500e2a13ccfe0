package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.tasq.ConfigurationException;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code ?queue-type=quorum}: the job, dead-letter and schedules queues are quorum queues, the
 * broker counts deliveries (the attempt count follows it) and dead-letters a job delivered more
 * than {@code delivery-limit} times.
 */
class QuorumQueueTest extends BrokerTestSupport {

    /** Takes the next job from {@code queue} as a worker that dies holding it would: no acknowledgement. */
    private static boolean takeAndDie(String queue) throws Exception {
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            GetResponse r = ch.basicGet(queue, false);
            return r != null;
        } // the connection closes without an ack: the broker takes the job back
    }

    @Test
    void theQueuesAreQuorumQueuesAndJobsRun() throws Exception {
        String url = newQueueUrl("queue-type=quorum");
        startWorker(url, 2);
        TasqClient client = connected(url);
        assertThat(client.schedule(n -> n * 2, 21).unwrap(Duration.ofSeconds(30))).isEqualTo(42);
        String name = TestBroker.nameOf(url);
        String types = TestBroker.rabbitmqctl("list_queues", "-q", "--no-table-headers", "name", "type");
        for (String q : new String[] {"jobs", "dead", "schedules"}) {
            assertThat(types).containsPattern("tasq\\." + name.replace("-", "\\-") + "\\." + q + "\\s+quorum");
        }
        // a classic client of the same queue is told what differs
        assertThatThrownBy(() -> connected(url.replace("queue-type=quorum", "queue-type=classic")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("queue-type");
    }

    @Test
    void theBrokersDeliveryCountIsTheAttemptAndPastTheLimitTheJobIsDeadLettered() throws Exception {
        String url = newQueueUrl("queue-type=quorum&delivery-limit=2");
        String name = TestBroker.nameOf(url);
        TasqClient client = connected(url);
        TasqFuture<Integer> once = client.schedule(n -> n + 1, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> client.pendingJobs().stream().allMatch(p -> p.sent()));
        assertThat(takeAndDie("tasq." + name + ".jobs")).isTrue();
        startWorker(url, 1);
        assertThat(once.unwrap(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(once.result()).hasValueSatisfying(r -> assertThat(r.attempt()).isEqualTo(2));

        // a job that every worker dies holding: the broker gives up on it after the limit
        String poison = newQueueUrl("queue-type=quorum&delivery-limit=2");
        String poisonName = TestBroker.nameOf(poison);
        TasqClient sender = connected(poison);
        sender.schedule(n -> n, 7);
        await().atMost(Duration.ofSeconds(20)).until(() -> sender.pendingJobs().stream().allMatch(p -> p.sent()));
        int deliveries = 0;
        while (deliveries < 10 && takeAndDie("tasq." + poisonName + ".jobs")) {
            deliveries++;
        }
        assertThat(deliveries).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> messageCount("tasq." + poisonName + ".dead") == 1);
        assertThat(messageCount("tasq." + poisonName + ".jobs")).isZero();
    }
}
