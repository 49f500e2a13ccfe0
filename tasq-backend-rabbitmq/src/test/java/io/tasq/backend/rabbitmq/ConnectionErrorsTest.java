package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.BackendUri;
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

    private static String userInfo() {
        BackendUri b = broker();
        return b.user().map(u -> u + ":" + b.password().orElse("") + "@").orElse("");
    }

    private static String vhostPath() {
        return broker().path().isEmpty() ? "" : java.net.URLEncoder.encode(broker().path(),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
