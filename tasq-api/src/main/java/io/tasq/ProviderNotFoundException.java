package io.tasq;

/**
 * No provider, or more than one, was found through {@link java.util.ServiceLoader} for a URL scheme, serializer or signing algorithm. The message names the artifact to add to the classpath.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ProviderNotFoundException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public ProviderNotFoundException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public ProviderNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
