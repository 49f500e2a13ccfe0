package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.ConfigurationException;
import io.tasq.JobOptions;
import io.tasq.TasqClient;
import io.tasq.spi.BackendUri;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Limits;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dead letters are capped ({@code amqp.dead-letter-max}): past the cap the oldest are dropped
 * and counted, and a queue an older Tasq declared without the cap is used as it is.
 */
class DeadLetterCapTest extends BrokerTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static byte[] garbage(int i) {
        return ("garbage " + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pastTheCapTheOldestDeadLettersAreDroppedAndCounted() throws Exception {
        String url = newQueueUrl("dead-letter-max=3");
        String name = TestBroker.nameOf(url);
        startWorker(url, 1);
        DeadLetters dead = rawBackend(url).feature(DeadLetters.class).orElseThrow();
        for (int i = 0; i < 7; i++) {
            Forged.publish(name, "g" + i, Map.of(), garbage(i));
            long kept = Math.min(i + 1, 3);
            long dropped = Math.max(0, i + 1 - 3);
            await().atMost(WAIT).until(() -> dead.count() == kept && dead.dropped() == dropped);
        }
        assertThat(dead.list(10)).extracting(DeadLetter::jobId).containsExactly("g4", "g5", "g6");
        assertThat(dead.dropped()).isEqualTo(4);

        // a second worker counts in the same tally
        startWorker(url, 1);
        Forged.publish(name, "g7", Map.of(), garbage(7));
        Forged.publish(name, "g8", Map.of(), garbage(8));
        await().atMost(WAIT).until(() -> dead.dropped() == 6);
        assertThat(dead.count()).isEqualTo(3);
        assertThat(TestBroker.queuesOf(name)).contains("tasq." + name + ".dead.dropped");
        assertThat(messageCount("tasq." + name + ".dead.dropped")).isBetween(1L, 2L);
    }

    @Test
    void aDeadLetterQueueOfAnOlderTasqWithoutTheCapIsUsedAsItIs() throws Exception {
        String url = newQueueUrl("dead-letter-max=2");
        String name = TestBroker.nameOf(url);
        String dead = "tasq." + name + ".dead";
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            // as the versions before the cap declared it (with this test URL's queue-expires)
            ch.queueDeclare(dead, true, false, false, Map.of("x-expires", 600_000));
        }
        startWorker(url, 1);
        TasqClient client = connected(url);
        for (int i = 0; i < 4; i++) {
            Forged.publish(name, "g" + i, Map.of(), garbage(i));
        }
        await().atMost(WAIT).until(() -> messageCount(dead) == 4);
        assertThat(client.scheduleBlocking(WAIT, () -> "serving", JobOptions.defaults())).isEqualTo("serving");
        DeadLetters letters = rawBackend(url).feature(DeadLetters.class).orElseThrow();
        assertThat(letters.count()).isEqualTo(4); // no cap on that queue: nothing dropped
        assertThat(letters.dropped()).isZero();
    }

    @Test
    void aClientOrWorkerWithAnotherCapIsToldWhatDiffers() {
        String url = newQueueUrl("dead-letter-max=3");
        startWorker(url, 1);
        assertThatThrownBy(() -> connected(url.replace("dead-letter-max=3", "dead-letter-max=4")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("dead-letter-max");
    }

    @Test
    void theCapIsTheSettingOrTheDefault() {
        assertThat(RabbitMqSettings.from(BackendUri.parse("amqp://"), Settings.empty()).deadLetterMax())
                .isEqualTo(Limits.DEFAULT_MAX_DEAD_LETTERS);
        assertThat(RabbitMqSettings.from(BackendUri.parse("amqp://"),
                Settings.of(Map.of("amqp.dead-letter-max", "50"), "test")).deadLetterMax()).isEqualTo(50);
        assertThatThrownBy(() -> RabbitMqSettings.from(BackendUri.parse("amqp://?dead-letter-max=0"), Settings.empty()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("dead-letter-max");
    }
}
