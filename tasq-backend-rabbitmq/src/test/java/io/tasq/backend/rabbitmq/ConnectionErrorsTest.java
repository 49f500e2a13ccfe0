package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.BackendUri;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user sees when the broker cannot be used: each error names what was wrong. */
class ConnectionErrorsTest {

    private static BackendUri broker() {
        return BackendUri.parse(TestBroker.url());
    }

    private static String hostPort() {
        return broker().host("localhost", 5672).toString();
    }

    private static void connect(String url) {
        try (TasqClient c = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            c.connect();
        }
    }

    @Test
    void anUnreachableBrokerIsNamed() {
        int port = Ports.free();
        assertThatThrownBy(() -> connect("amqp://127.0.0.1:" + port + "/?name=x"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("cannot reach RabbitMQ at 127.0.0.1:" + port)
                .hasMessageContaining("refused");
        assertThatThrownBy(() -> Worker.builder().backend("amqp://127.0.0.1:" + port + "/?name=x")
                .settings(TestKeys.worker()).build().start())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void wrongCredentialsNameTheUser() {
        String url = "amqp://" + broker().user().orElse("guest") + ":wrong-password@" + hostPort()
                + "/" + vhostPath() + "?name=x";
        assertThatThrownBy(() -> connect(url))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("refused to log in user '" + broker().user().orElse("guest") + "'")
                .hasMessageContaining("wrong user name or password")
                .hasMessageNotContaining("wrong-password");
    }

    @Test
    void anUnknownVhostIsNamed() {
        String url = "amqp://" + userInfo() + hostPort() + "/no-such-vhost-" + TestBroker.uniqueName() + "?name=x";
        assertThatThrownBy(() -> connect(url))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("vhost 'no-such-vhost-")
                .hasMessageContaining("does not exist or the user has no permission");
    }

    @Test
    void tlsToAPlainPortSaysSo() {
        String url = "amqps://" + userInfo() + hostPort() + "/" + vhostPath() + "?name=x&connect-timeout=5s";
        assertThatThrownBy(() -> connect(url))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("TLS with RabbitMQ at " + hostPort());
    }

    @Test
    void aQueueDeclaredWithOtherSettingsIsNamed() throws Exception {
        String name = TestBroker.uniqueName();
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            ch.queueDeclare("tasq." + name + ".dead", true, false, false, Map.of("x-expires", 600_000));
            try {
                // the test URL asks for queue-expires=10m: the job queue declared here has none
                ch.queueDeclare("tasq." + name + ".jobs", true, false, false, null);
                assertThatThrownBy(() -> connect(TestBroker.url() + "?name=" + name + "&" + TestBroker.EXPIRY))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("queue 'tasq." + name + ".jobs'")
                        .hasMessageContaining("already exists with other settings")
                        .hasMessageContaining("queue-expires");
            } finally {
                TestBroker.deleteQueues(name);
            }
        }
    }

    private static String userInfo() {
        BackendUri b = broker();
        return b.user().map(u -> u + ":" + b.password().orElse("") + "@").orElse("");
    }

    private static String vhostPath() {
        return broker().path().isEmpty() ? "" : URLEncoder.encode(broker().path(), StandardCharsets.UTF_8);
    }
}
