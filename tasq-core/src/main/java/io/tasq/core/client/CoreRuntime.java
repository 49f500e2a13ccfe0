package io.tasq.core.client;

import com.google.auto.service.AutoService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tasq.TasqClient;
import io.tasq.core.config.Config;
import io.tasq.core.internal.shipping.CodeShipper;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.security.KeyCredentials;
import io.tasq.core.security.Signing;
import io.tasq.spi.Backend;
import io.tasq.spi.ClientSpec;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import io.tasq.spi.TasqRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime {@link io.tasq.Tasq} finds through {@link java.util.ServiceLoader}: resolves settings,
 * backend, serializer and signer, and makes a {@link CoreClient}. Stateless and thread-safe.
 */
@AutoService(TasqRuntime.class)
public final class CoreRuntime implements TasqRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(CoreRuntime.class);

    @Override
    public TasqClient newClient(ClientSpec spec) {
        Settings settings = Config.load(spec.settings(), "builder");
        return newClient(spec, settings, Clock.systemUTC());
    }

    /**
     * A client from a spec and already resolved settings, with its meters in Micrometer's global
     * registry; the clock is for tests.
     */
    public static CoreClient newClient(ClientSpec spec, Settings settings, Clock clock) {
        return newClient(spec, settings, clock, Metrics.globalRegistry);
    }

    /**
     * A client from a spec and already resolved settings, with its meters ({@code tasq.client.*})
     * in {@code registry}: as {@code Worker.builder().meterRegistry(...)} does for a worker.
     */
    public static CoreClient newClient(ClientSpec spec, Settings settings, Clock clock, MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry == null");
        Serializer serializer = spec.serializer() != null ? spec.serializer()
                : Providers.serializer(settings.get("serializer", "fory")).create(settings);
        Signer signer = spec.signer() != null ? spec.signer() : Signing.signer(settings).orElse(null);
        String clientId = settings.get("client.id").orElseGet(() -> "c-" + CoreClient.randomId(12));
        int kept = settings.getInt("client.results-kept", 10_000, 0, Integer.MAX_VALUE);
        int maxBytes = settings.getInt("envelope.max-bytes", JobCodec.DEFAULT_MAX_BYTES, 1024, Integer.MAX_VALUE - 64);
        boolean owns = spec.backend() == null;
        Backend backend = owns ? Providers.backend(spec.url(), settings) : spec.backend();
        // the client proves its key to transports that route results by client id (ZMQ)
        backend.useCredentials(new KeyCredentials(signer, Signing.check(settings, false)));
        if (signer == null) {
            LOG.warn("client {} signs nothing: workers refuse its jobs unless started with --insecure; set "
                    + "TASQ_SIGN_KEY (or sign.key / sign.private-key) to sign them", clientId);
        }
        Duration warning = settings.getDuration("client.unanswered-warning", Duration.ofMinutes(1));
        Duration jobTimeout = settings.get("client.job-timeout").filter(t -> !t.isBlank() && !t.strip().equals("off"))
                .map(t -> settings.getDuration("client.job-timeout", null)).orElse(null);
        return new CoreClient(clientId, backend, owns, serializer, signer, new CodeShipper(settings), clock, kept,
                maxBytes, warning, jobTimeout, registry);
    }
}
