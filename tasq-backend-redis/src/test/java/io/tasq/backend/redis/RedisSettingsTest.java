package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The URL and the {@code redis.*} settings: defaults, every part read, every mistake named. */
class RedisSettingsTest {

    private static RedisSettings parse(String url) {
        return parse(url, Map.of());
    }

    private static RedisSettings parse(String url, Map<String, String> settings) {
        return RedisSettings.from(BackendUri.parse(url), Settings.of(settings, "test"));
    }

    @Test
    void theProviderIsFoundForBothSchemesAndDeclaresWhatItDoes() {
        assertThat(Providers.backend("redis")).isInstanceOf(RedisBackendProvider.class);
        assertThat(Providers.backend("rediss")).isInstanceOf(RedisBackendProvider.class);
        try (var backend = Providers.backend("redis://localhost:6379/0?name=test", Settings.empty())) {
            assertThat(backend.capabilities()).containsExactlyInAnyOrder(BackendCapability.DURABLE,
                    BackendCapability.NATIVE_DELAY, BackendCapability.REDELIVERY, BackendCapability.RESULT_RETENTION);
            assertThat(backend.describe()).isEqualTo("redis://localhost:6379/0?name=test");
        }
    }

    @Test
    void defaults() {
        RedisSettings s = parse("redis://");
        assertThat(s.tls()).isFalse();
        assertThat(s.host()).isEqualTo("localhost");
        assertThat(s.port()).isEqualTo(6379);
        assertThat(s.database()).isZero();
        assertThat(s.queue()).isEqualTo("default");
        assertThat(s.user()).isNull();
        assertThat(s.password()).isNull();
        assertThat(s.visibilityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.resultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.maxHeldResults()).isEqualTo(100_000);
        assertThat(s.maxAttempts()).isEqualTo(10);
        assertThat(s.deadLetterMax()).isEqualTo(10_000);
        assertThat(s.poolSize()).isEqualTo(8);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.tlsCa()).isNull();
    }

    @Test
    void everyPartOfTheUrlAndEverySettingIsRead(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not read until a connection is made");
        RedisSettings s = parse("rediss://app:p%40ss@cache.example.com:6380/3?name=orders",
                Map.of("redis.visibility-timeout", "45s", "redis.result-ttl", "2h", "redis.max-held-results", "7",
                        "redis.max-attempts", "0", "redis.dead-letter-max", "50", "redis.pool-size", "3",
                        "redis.timeout", "1500ms", "redis.tls-ca", ca.toString()));
        assertThat(s.tls()).isTrue();
        assertThat(s.host()).isEqualTo("cache.example.com");
        assertThat(s.port()).isEqualTo(6380);
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo("p@ss");
        assertThat(s.database()).isEqualTo(3);
        assertThat(s.queue()).isEqualTo("orders");
        assertThat(s.visibilityTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.resultTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(s.maxHeldResults()).isEqualTo(7);
        assertThat(s.maxAttempts()).isZero();
        assertThat(s.deadLetterMax()).isEqualTo(50);
        assertThat(s.poolSize()).isEqualTo(3);
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.tlsCa()).isEqualTo(ca);
        assertThat(s.toString()).doesNotContain("p@ss").contains("****");
    }

    @Test
    void everyKeyOfTheQueueCarriesItsNameAsHashTag() {
        Keys k = new Keys("orders");
        assertThat(Keys.name(k.jobs())).isEqualTo("tasq:{orders}:jobs");
        assertThat(Keys.name(k.delayed())).isEqualTo("tasq:{orders}:delayed");
        assertThat(Keys.name(k.dead())).isEqualTo("tasq:{orders}:dead");
        assertThat(Keys.name(k.results("c-1"))).isEqualTo("tasq:{orders}:results:c-1");
        assertThat(Keys.name(k.workers())).isEqualTo("tasq:{orders}:workers");
        assertThat(Keys.name(k.worker("w-1"))).isEqualTo("tasq:{orders}:worker:w-1");
    }

    @Test
    void anUnknownSettingIsNamedWithItsSourceAndTheKnownOnes() {
        assertThatThrownBy(() -> parse("redis://localhost", Map.of("redis.visibility", "10s")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'redis.visibility'")
                .hasMessageContaining("from test")
                .hasMessageContaining("redis.visibility-timeout");
    }

    @Test
    void anUnknownUrlParameterIsNamed() {
        assertThatThrownBy(() -> parse("redis://localhost?nmae=orders"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'nmae'")
                .hasMessageContaining("knows name");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> parse("redis://localhost", Map.of("redis.visibility-timeout", "soon")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'redis.visibility-timeout'").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> parse("redis://localhost", Map.of("redis.visibility-timeout", "10ms")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 100ms");
        assertThatThrownBy(() -> parse("redis://localhost", Map.of("redis.pool-size", "1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'redis.pool-size'");
        assertThatThrownBy(() -> parse("redis://localhost", Map.of("redis.max-attempts", "-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'redis.max-attempts'");
        assertThatThrownBy(() -> parse("redis://localhost", Map.of("redis.tls-ca", "/ca.pem")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("rediss://");
    }

    @Test
    void badUrlsAreNamed() {
        assertThatThrownBy(() -> parse("redis://localhost:6379/zero"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'zero'").hasMessageContaining("database number");
        assertThatThrownBy(() -> parse("redis://localhost:6379/0?name=a{b}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("queue name 'a{b}'");
        assertThatThrownBy(() -> parse("redis://a:6379,b:6379"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("one host");
        assertThatThrownBy(() -> parse("redis://localhost:99999"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("out of range");
    }
}
