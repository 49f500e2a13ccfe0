package io.tasq.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tasq.TasqClient;
import io.tasq.core.config.Config;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.ClientSpec;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** A client's meters go to the registry it is given, and to Micrometer's global one when none is. */
class ClientMetersTest {

    private static ClientSpec spec() {
        return new ClientSpec(null, TestKeys.client(), new SilentBackend(), null, null);
    }

    private static double submitted(MeterRegistry registry, String clientId) {
        var counter = registry.find("tasq.client.jobs.submitted").tag("client", clientId).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aGivenRegistryGetsTheClientsMetersAndTheGlobalOneDoesNot() {
        SimpleMeterRegistry given = new SimpleMeterRegistry();
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        Metrics.addRegistry(global);
        try (TasqClient client = CoreRuntime.newClient(spec(), Config.load(TestKeys.client(), "test"),
                Clock.systemUTC(), given)) {
            client.connect();
            client.schedule(() -> 1);
            client.schedule(() -> 2);
            assertThat(submitted(given, client.clientId())).isEqualTo(2);
            assertThat(submitted(global, client.clientId())).isZero();
        } finally {
            Metrics.removeRegistry(global);
        }
    }

    @Test
    void withoutARegistryTheMetersGoToTheGlobalOne() {
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        Metrics.addRegistry(global);
        try (TasqClient client = CoreRuntime.newClient(spec(), Config.load(TestKeys.client(), "test"),
                Clock.systemUTC())) {
            client.connect();
            client.schedule(() -> 1);
            assertThat(submitted(global, client.clientId())).isEqualTo(1);
        } finally {
            Metrics.removeRegistry(global);
        }
    }
}
