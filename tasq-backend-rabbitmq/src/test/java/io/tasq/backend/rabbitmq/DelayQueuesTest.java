package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which delay queue a job due later waits in, and that the queue, declared against the real broker, works. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DelayQueuesTest {

    private final String url = TestBroker.queueUrl();
    private final String name = TestBroker.nameOf(url);
    private final String jobs = "tasq." + name + ".jobs";
    private final DelayQueues delays = new DelayQueues(RabbitMqSettings.from(BackendUri.parse(url), Settings.empty()),
            "tasq." + name + ".", jobs);

    @AfterEach
    void deleteQueues() throws Exception {
        TestBroker.deleteQueues(name);
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            for (String q : TestBroker.queuesOf(name)) {
                ch.queueDelete(q); // the delay queues too, which would outlive the test by their delay
            }
        }
    }

    @Test
    void delayBucketsNeverDeliverEarlyAndStayFew() {
        assertThat(DelayQueues.bucket(1)).isEqualTo(10);
        assertThat(DelayQueues.bucket(995)).isEqualTo(1_000);
        assertThat(DelayQueues.bucket(1_001)).isEqualTo(1_000);
        assertThat(DelayQueues.bucket(1_499)).isEqualTo(1_400);
        assertThat(DelayQueues.bucket(3_612_345)).isEqualTo(3_600_000);
        for (long r = 1; r < 50_000_000; r = r * 3 / 2 + 7) {
            long b = DelayQueues.bucket(r);
            if (r <= 1_000) {
                // the last step: due on arrival, at most 10 ms late
                assertThat(b).isBetween(r, r + 9);
            } else {
                // an earlier step: never late, and what is left is less than a tenth
                assertThat(b).isLessThanOrEqualTo(r).isGreaterThan(r - r / 10 - 1);
            }
        }
    }

    @Test
    void aRetryWaitsItsTimeRoundedUpAndNoHopIsLongerThanTheBrokerTakes() {
        for (long r = 1; r < 5_000_000_000L; r = r * 3 / 2 + 7) {
            long up = DelayQueues.bucketUp(r);
            assertThat(up).isGreaterThanOrEqualTo(r).isLessThanOrEqualTo(Math.max(r + 9, r + r / 10 + 1));
        }
        long longest = DelayQueues.bucketUp(DelayQueues.MAX_DELAY_HOP_MILLIS) + DelayQueues.DELAY_QUEUE_GRACE_MILLIS;
        assertThat(longest).isLessThan(Integer.MAX_VALUE); // x-expires of the longest delay queue, in 32 bits
    }

    @Test
    void aJobDueNowGoesToTheJobQueueAndALaterOneToItsDelayQueue() throws Exception {
        try (Connection c = TestBroker.admin()) {
            long now = System.currentTimeMillis();
            assertThat(delays.route(c, 0, now, true)).isEqualTo(jobs);
            assertThat(delays.route(c, now, now, true)).isEqualTo(jobs);
            assertThat(delays.route(c, now + 1_499, now, true)).isEqualTo("tasq." + name + ".delay.1400");
            assertThat(delays.route(c, now + 1_499, now, false)).isEqualTo("tasq." + name + ".delay.1500");
            assertThat(delays.route(c, now + Duration.ofDays(60).toMillis(), now, true))
                    .isEqualTo(delays.name(DelayQueues.bucket(DelayQueues.MAX_DELAY_HOP_MILLIS)));
            assertThat(TestBroker.queuesOf(name)).filteredOn(DelayQueues::isDelayQueue).hasSize(3);
        }
    }

    @Test
    void aDelayQueueHandsItsMessagesToTheJobQueueWhenTheirTimeIsUp() throws Exception {
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(jobs, true, false, false, null);
            long now = System.currentTimeMillis();
            String queue = delays.route(c, now + 300, now, true);
            ch.basicPublish("", queue, null, "later".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> ch.queueDeclarePassive(jobs).getMessageCount() == 1);
            assertThat(new String(ch.basicGet(jobs, true).getBody(), StandardCharsets.UTF_8)).isEqualTo("later");
        }
    }

    @Test
    void aDelayQueueIsDeclaredAgainOnlyAfterAWhileOrAfterItWasForgotten() throws Exception {
        try (Connection c = TestBroker.admin()) {
            long now = System.currentTimeMillis();
            String queue = delays.route(c, now + 5_000, now, true);
            Channel ch = c.createChannel();
            ch.queueDelete(queue);
            delays.route(c, now + 5_000, now, true);
            assertThat(exists(c, queue)).as("declared lately, so not again").isFalse();
            delays.route(c, now + DelayQueues.REDECLARE_MILLIS + 5_001, now + DelayQueues.REDECLARE_MILLIS + 1, true);
            assertThat(exists(c, queue)).as("declared again once a while passed").isTrue();
            ch.queueDelete(queue);
            delays.forget();
            delays.route(c, now + 5_000, now, true);
            assertThat(exists(c, queue)).as("declared again once forgotten").isTrue();
        }
    }

    private static boolean exists(Connection c, String queue) throws IOException {
        Channel ch = c.createChannel();
        try {
            ch.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            return false; // the broker closed the channel
        } finally {
            AmqpConnections.forget(ch);
        }
    }
}
