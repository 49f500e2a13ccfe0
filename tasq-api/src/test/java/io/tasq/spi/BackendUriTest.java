package io.tasq.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import org.junit.jupiter.api.Test;

class BackendUriTest {

    @Test
    void parsesEveryPart() {
        BackendUri u = BackendUri.parse("amqp://guest:p%40ss@localhost:5672/%2f?name=test&queue-type=quorum");
        assertThat(u.scheme()).isEqualTo("amqp");
        assertThat(u.user()).hasValue("guest");
        assertThat(u.password()).hasValue("p@ss");
        assertThat(u.hosts()).containsExactly(new BackendUri.HostPort("localhost", 5672));
        assertThat(u.path()).isEqualTo("/");
        assertThat(u.params()).containsEntry("name", "test").containsEntry("queue-type", "quorum");
        assertThat(u.toString()).doesNotContain("p@ss").contains("guest:****@");
    }

    @Test
    void severalHostsAndIpv6AndDefaults() {
        BackendUri u = BackendUri.parse("zmq://h1:9000,[::1]:9001,h3");
        assertThat(u.hosts()).containsExactly(new BackendUri.HostPort("h1", 9000), new BackendUri.HostPort("::1", 9001),
                new BackendUri.HostPort("h3", -1));
        assertThat(BackendUri.parse("redis://").host("localhost", 6379)).isEqualTo(new BackendUri.HostPort("localhost", 6379));
        assertThat(BackendUri.parse("redis://db:7000/3").path()).isEqualTo("3");
    }

    @Test
    void badUrlsSayWhatIsWrongWithoutThePassword() {
        assertThatThrownBy(() -> BackendUri.parse("localhost:6379")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no scheme");
        assertThatThrownBy(() -> BackendUri.parse("redis://u:secret@host:99999")).hasMessageContaining("out of range")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> BackendUri.parse("redis://host:port")).hasMessageContaining("'port' is not a port");
    }

    @Test
    void durationsInEveryForm() {
        assertThat(Durations.tryParse("500ms")).hasValue(java.time.Duration.ofMillis(500));
        assertThat(Durations.tryParse("1.5s")).hasValue(java.time.Duration.ofMillis(1500));
        assertThat(Durations.tryParse("5")).hasValue(java.time.Duration.ofSeconds(5));
        assertThat(Durations.tryParse("PT2H")).hasValue(java.time.Duration.ofHours(2));
        assertThat(Durations.tryParse("soon")).isEmpty();
    }
}
