package io.tasq;

import io.tasq.spi.Backend;
import io.tasq.spi.ClientSpec;
import io.tasq.spi.Serializer;
import io.tasq.spi.Signer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link TasqClient} or {@link TasqQueue} with explicit settings, or with a backend,
 * serializer or signer given as an object instead of found through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * TasqClient client = Tasq.builder()
 *         .url("redis://localhost:6379/0?name=reports")
 *         .setting("sign.key", System.getenv("MY_KEY"))
 *         .client();
 * }</pre>
 *
 * <p>Settings given here win over the configuration file and the environment. Not thread-safe: use
 * one builder per thread.
 */
public final class TasqBuilder {

    private String url;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Backend backend;
    private Serializer serializer;
    private Signer signer;

    TasqBuilder() {
    }

    /** The backend URL; required unless {@link #backend(Backend)} is given. */
    public TasqBuilder url(String url) {
        this.url = Objects.requireNonNull(url, "url == null");
        return this;
    }

    /**
     * Sets one setting, for example {@code sign.key} or {@code client.id}; the runtime rejects keys
     * it does not know, naming them.
     */
    public TasqBuilder setting(String key, String value) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(value, "value == null");
        settings.put(key, value);
        return this;
    }

    /** Sets several settings; see {@link #setting(String, String)}. */
    public TasqBuilder settings(Map<String, String> values) {
        Objects.requireNonNull(values, "values == null").forEach(this::setting);
        return this;
    }

    /** Uses this backend instead of the one the URL's scheme would find. */
    public TasqBuilder backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend == null");
        return this;
    }

    /** Uses this serializer instead of the configured one. */
    public TasqBuilder serializer(Serializer serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer == null");
        return this;
    }

    /** Signs jobs with this signer instead of the configured one. */
    public TasqBuilder signer(Signer signer) {
        this.signer = Objects.requireNonNull(signer, "signer == null");
        return this;
    }

    /** A client, not yet connected. */
    public TasqClient client() {
        if (url == null && backend == null) {
            throw new ConfigurationException("no backend: give a URL such as zmq://127.0.0.1:9000, "
                    + "redis://localhost:6379/0?name=test or amqp://guest:guest@localhost:5672/%2f?name=test");
        }
        return Tasq.newClient(new ClientSpec(url, settings, backend, serializer, signer));
    }

    /** A queue, connected. */
    public TasqQueue queue() {
        return new TasqQueue(client());
    }
}
