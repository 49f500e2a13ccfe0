package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.ConfigurationException;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Declaring a queue against the real broker, and what a queue declared with other arguments means. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueDeclarationsTest {

    private final String url = TestBroker.queueUrl();
    private final String name = TestBroker.nameOf(url);
    private final RabbitMqSettings settings = RabbitMqSettings.from(BackendUri.parse(url), Settings.empty());

    @AfterEach
    void deleteQueues() {
        TestBroker.deleteQueues(name);
    }

    @Test
    void aQueueIsDeclaredDurableAndOnAChannelOfItsOwnWhenGivenTheConnection() throws Exception {
        String queue = "tasq." + name + ".jobs";
        try (Connection c = TestBroker.admin()) {
            QueueDeclarations.declare(c, settings, queue, Map.of("x-max-length", 5));
            QueueDeclarations.declare(c, settings, queue, Map.of("x-max-length", 5)); // again, the same: fine
            Channel ch = c.createChannel();
            assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isZero();
            assertThatThrownBy(() -> QueueDeclarations.declare(c, settings, queue, Map.of("x-max-length", 6)))
                    .isInstanceOf(ConfigurationException.class);
            assertThat(ch.isOpen()).as("a refusal closes only the declaration's own channel").isTrue();
        }
    }

    @Test
    void aQueueThatExistsWithOtherArgumentsIsAConfigurationErrorNamingTheSettings() throws Exception {
        String queue = "tasq." + name + ".dead";
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            QueueDeclarations.declare(ch, settings, queue, Map.of());
            assertThatThrownBy(() -> QueueDeclarations.declare(ch, settings, queue, Map.of("x-max-length", 9)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("queue '" + queue + "'")
                    .hasMessageContaining("already exists with other settings than {x-max-length=9}")
                    .hasMessageContaining("dead-letter-max");
            assertThat(ch.isOpen()).isFalse();
        }
    }

    @Test
    void anotherRefusalIsThrownAsItIs() throws Exception {
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            // a name the broker reserves for itself: refused with 403, not a configuration mismatch
            assertThatThrownBy(() -> QueueDeclarations.declare(ch, settings, "amq.tasq-" + name, Map.of()))
                    .isInstanceOf(IOException.class).isNotInstanceOf(ConfigurationException.class);
        }
    }
}
