package io.tasq;

import io.tasq.spi.ClientSpec;
import io.tasq.spi.Providers;

/**
 * Static entry points: a queue or a client for a backend URL, or a {@link TasqBuilder} for more
 * control.
 *
 * <p>The URL's scheme chooses the backend: {@code zmq://host:port} (brokerless, no server needed),
 * {@code redis://host:port/db?name=QUEUE}, {@code amqp://user:pass@host:port/vhost?name=QUEUE}. The
 * backend's module must be on the classpath; if it is not, the error names the artifact to add.
 * Settings not given explicitly come from the configuration file named by {@code TASQ_CONF} and
 * from {@code TASQ_*} environment variables (for example {@code TASQ_SIGN_KEY}).
 *
 * <p>Thread-safe; holds no state.
 */
public final class Tasq {

    private Tasq() {
    }

    /**
     * A queue on the backend at {@code url}, connected.
     *
     * @throws ConfigurationException if the URL is malformed or names no known backend
     * @throws BackendUnavailableException if the backend cannot be reached
     */
    public static TasqQueue queue(String url) {
        return builder().url(url).queue();
    }

    /**
     * A client for the backend at {@code url}, not yet connected: call {@link TasqClient#connect()}.
     *
     * @throws ConfigurationException if the URL is malformed or names no known backend
     */
    public static TasqClient client(String url) {
        return builder().url(url).client();
    }

    /** A builder for a client or queue with explicit settings, keys or providers. */
    public static TasqBuilder builder() {
        return new TasqBuilder();
    }

    static TasqClient newClient(ClientSpec spec) {
        return Providers.runtime().newClient(spec);
    }
}
