package io.tasq.spi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ProviderNotFoundException;
import io.tasq.Tasq;
import org.junit.jupiter.api.Test;

class ProvidersTest {

    @Test
    void aMissingBackendNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> Providers.backend("redis")).isInstanceOf(ProviderNotFoundException.class)
                .hasMessageContaining("io.tasq:tasq-backend-redis");
        assertThatThrownBy(() -> Providers.backend("kafka")).hasMessageContaining("Tasq ships zmq, redis");
    }

    @Test
    void aMissingRuntimeNamesTasqCore() {
        assertThatThrownBy(() -> Tasq.client("zmq://127.0.0.1:9000")).isInstanceOf(ProviderNotFoundException.class)
                .hasMessageContaining("io.tasq:tasq-core");
    }
}
