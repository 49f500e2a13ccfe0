package io.tasq.spi;

import java.util.Optional;

/**
 * Makes the {@link Signer} and {@link Verifier} of one algorithm from settings. Found through
 * {@link java.util.ServiceLoader} by {@link #algorithm()}; cheap, stateless and thread-safe.
 */
public interface SignerProvider {

    /** The algorithm's name, for example {@code hmac-sha256}. */
    String algorithm();

    /**
     * A signer with the key the settings name, or empty when they name none.
     *
     * @throws io.tasq.ConfigurationException if a key is named but unusable
     */
    Optional<Signer> signer(Settings settings);

    /**
     * A verifier with the keys the settings name, or empty when they name none.
     *
     * @throws io.tasq.ConfigurationException if a key is named but unusable
     */
    Optional<Verifier> verifier(Settings settings);
}
