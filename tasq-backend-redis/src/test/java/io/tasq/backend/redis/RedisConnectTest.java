package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes wrong at connect time is an error there, naming the address and what to check. */
class RedisConnectTest {

    @Test
    void anUnreachableServerFailsTheClientAndTheWorkerNamingTheAddress() {
        int port = Ports.free();
        String url = "redis://127.0.0.1:" + port + "/0?name=nowhere";
        assertThatThrownBy(() -> Tasq.builder().url(url).settings(TestKeys.client()).queue())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("cannot reach Redis at 127.0.0.1:" + port)
                .hasMessageContaining("redis-server");
        TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client();
        assertThatThrownBy(client::connect).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port);
        client.close();
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker()).build();
        assertThatThrownBy(worker::start).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void anUnknownHostIsNamed() {
        assertThatThrownBy(() -> Tasq.builder().url("redis://no-such-host.invalid:6379?name=q")
                .settings(TestKeys.client()).queue())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("no-such-host.invalid:6379");
    }

    @Test
    void wrongCredentialsAreAConfigurationErrorThatNeverShowsThePassword() {
        BackendUri.HostPort server = BackendUri.parse(TestRedis.baseUrl()).host("localhost", 6379);
        String url = "redis://nobody:sekret-pw@" + server + "?name=q";
        assertThatThrownBy(() -> Tasq.builder().url(url).settings(TestKeys.client()).queue())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Redis at " + server + " (redis://nobody:****@")
                .hasMessageContaining("refused the credentials of user 'nobody'")
                .hasMessageNotContaining("sekret-pw");
    }

    @Test
    void aDatabaseTheServerDoesNotHaveIsNamed() {
        BackendUri.HostPort server = BackendUri.parse(TestRedis.baseUrl()).host("localhost", 6379);
        String url = "redis://" + server + "/99999?name=q";
        assertThatThrownBy(() -> Tasq.builder().url(url).settings(TestKeys.client()).queue())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no database 99999");
    }

    @Test
    void aTlsCaFileThatHoldsNoCertificateIsNamedWhenTheBackendIsMade(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> Providers.backend("rediss://localhost:6380?name=q",
                Settings.of(Map.of("redis.tls-ca", ca.toString()), "test")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'redis.tls-ca'").hasMessageContaining(ca.toString());
        assertThatThrownBy(() -> Providers.backend("rediss://localhost:6380?name=q",
                Settings.of(Map.of("redis.tls-ca", dir.resolve("missing.pem").toString()), "test")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot read").hasMessageContaining("missing.pem");
        assertThat(Files.exists(ca)).isTrue();
    }
}
