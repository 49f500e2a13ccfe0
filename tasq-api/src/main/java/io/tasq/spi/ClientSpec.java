package io.tasq.spi;

import java.util.Map;

/**
 * What a {@link io.tasq.TasqBuilder} collected, handed to the {@link TasqRuntime} to make a client.
 *
 * @param url the backend URL, or {@code null} when {@code backend} is given
 * @param settings explicit settings, winning over the configuration file and the environment
 * @param backend an explicit backend, or {@code null} to find one by the URL's scheme
 * @param serializer an explicit serializer, or {@code null} for the configured one
 * @param signer an explicit signer, or {@code null} for the configured one
 */
public record ClientSpec(String url, Map<String, String> settings, Backend backend, Serializer serializer,
        Signer signer) {

    /** Copies the settings. */
    public ClientSpec {
        settings = Map.copyOf(settings);
    }
}
