package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import io.tasq.Tasq;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The URL and the amqp.* settings: defaults, overrides, and errors that name what was wrong. */
class RabbitMqSettingsTest {

    private static RabbitMqSettings parse(String url) {
        return RabbitMqSettings.from(BackendUri.parse(url), Settings.empty());
    }

    private static RabbitMqSettings parse(String url, Map<String, String> settings) {
        return RabbitMqSettings.from(BackendUri.parse(url), Settings.of(settings, "test config"));
    }

    @Test
    void theProviderServesAmqpAndAmqpsAndItsBackendDeclaresWhatItProvides() {
        assertThat(Providers.backend("amqp")).isInstanceOf(RabbitMqBackendProvider.class);
        assertThat(Providers.backend("amqps")).isInstanceOf(RabbitMqBackendProvider.class);
        try (Backend b = Providers.backend("amqp://bob:s3cret@broker:5673/prod?name=reports", Settings.empty())) {
            assertThat(b.capabilities()).containsExactlyInAnyOrder(BackendCapability.DURABLE,
                    BackendCapability.NATIVE_DELAY, BackendCapability.REDELIVERY, BackendCapability.RESULT_RETENTION);
            assertThat(b.describe()).contains("bob:****@broker:5673").doesNotContain("s3cret");
        }
    }

    @Test
    void everythingHasADefault() {
        RabbitMqSettings s = parse("amqp://");
        assertThat(s.tls()).isFalse();
        assertThat(s.hosts()).containsExactly(new BackendUri.HostPort("localhost", 5672));
        assertThat(s.user()).isEqualTo("guest");
        assertThat(s.password()).isEqualTo("guest");
        assertThat(s.vhost()).isEqualTo("/");
        assertThat(s.name()).isEqualTo("default");
        assertThat(s.resultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.queueExpires()).isZero();
        assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.recoveryInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.prefetch()).isZero();
        assertThat(s.quorum()).isFalse();
        assertThat(s.deliveryLimit()).isEqualTo(20);
    }

    @Test
    void quorumQueuesAndTheirDeliveryLimitAreChosenByUrlOrSetting() {
        RabbitMqSettings s = parse("amqp://localhost/?name=x&queue-type=quorum&delivery-limit=3");
        assertThat(s.quorum()).isTrue();
        assertThat(s.deliveryLimit()).isEqualTo(3);
        assertThat(parse("amqp://localhost/", Map.of("amqp.queue-type", "QUORUM")).quorum()).isTrue();
        assertThatThrownBy(() -> parse("amqp://localhost/?queue-type=stream"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'stream' is not a queue type; use classic or quorum");
        assertThatThrownBy(() -> parse("amqp://localhost/?delivery-limit=0"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("delivery-limit");
    }

    @Test
    void theUrlGivesUserPasswordHostsVhostAndName() {
        RabbitMqSettings s = parse("amqps://bob:p%40ss@h1,h2:5999/%2f?name=test");
        assertThat(s.tls()).isTrue();
        assertThat(s.hosts()).containsExactly(new BackendUri.HostPort("h1", 5671), new BackendUri.HostPort("h2", 5999));
        assertThat(s.user()).isEqualTo("bob");
        assertThat(s.password()).isEqualTo("p@ss");
        assertThat(s.vhost()).isEqualTo("/");
        assertThat(s.name()).isEqualTo("test");
        assertThat(s.toString()).doesNotContain("p@ss");
        assertThat(parse("amqp://localhost/prod?name=x").vhost()).isEqualTo("prod");
    }

    @Test
    void settingsApplyAndUrlParametersWinOverThem() {
        RabbitMqSettings s = parse("amqp://localhost/?name=x&heartbeat=5s",
                Map.of("amqp.heartbeat", "30s", "amqp.result-ttl", "10m", "amqp.queue-expires", "2h",
                        "amqp.recovery-interval", "250ms", "amqp.connect-timeout", "3s", "amqp.prefetch", "64"));
        assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.resultTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.queueExpires()).isEqualTo(Duration.ofHours(2));
        assertThat(s.recoveryInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.prefetch()).isEqualTo(64);
        assertThat(parse("amqp://localhost/?heartbeat=0").heartbeat()).isZero();
    }

    @Test
    void unknownSettingsAndParametersAreRefusedByName() {
        assertThatThrownBy(() -> parse("amqp://localhost/", Map.of("amqp.result-tll", "1h")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown setting 'amqp.result-tll' (from test config)")
                .hasMessageContaining("amqp.result-ttl");
        assertThatThrownBy(() -> parse("amqp://localhost/?name=x&queue=y"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown parameter 'queue'")
                .hasMessageContaining("name, result-ttl");
        // the same through the public API, as a user or `tq worker` meets it
        assertThatThrownBy(() -> Tasq.builder().url("amqp://localhost/?name=x").setting("amqp.heartbeats", "5s")
                .client())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown setting 'amqp.heartbeats' (from builder)");
        // settings of other backends are none of this one's business
        assertThat(parse("amqp://localhost/", Map.of("zmq.heartbeat", "1s")).name()).isEqualTo("default");
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndWhereItCameFrom() {
        assertThatThrownBy(() -> parse("amqp://localhost/", Map.of("amqp.result-ttl", "soon")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("setting 'amqp.result-ttl' (from test config): 'soon' is not a duration");
        assertThatThrownBy(() -> parse("amqp://localhost/?recovery-interval=1ms"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("parameter 'recovery-interval'")
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> parse("amqp://localhost/?result-ttl=0"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("result-ttl");
        assertThatThrownBy(() -> parse("amqp://localhost/", Map.of("amqp.prefetch", "lots")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("setting 'amqp.prefetch' (from test config): 'lots' is not a whole number");
        assertThatThrownBy(() -> parse("amqp://localhost/?result-ttl=30d"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("too long");
    }

    @Test
    void badUrlsAreRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> parse("amqp://localhost/?name=has space"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("queue name 'has space'");
        assertThatThrownBy(() -> parse("amqp://@localhost/"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("user name");
        assertThatThrownBy(() -> Providers.backend("amqp://localhost:99999/", Settings.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("port 99999 is out of range");
        assertThatThrownBy(() -> Providers.backend("amqp://guest:secret@localhost:56x2/", Settings.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'56x2' is not a port number")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aClientIdTooLongForAQueueNameIsRefused() {
        Topology t = new Topology(parse("amqp://localhost/?name=x"));
        assertThat(t.checkedReply("c-1")).isEqualTo("tasq.x.reply.c-1");
        assertThatThrownBy(() -> t.checkedReply("c".repeat(300)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("too long");
    }
}
