package io.tasq;

/**
 * A setting, URL, key file or configuration file is wrong or missing. The message names the setting and where it came from.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ConfigurationException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public ConfigurationException(String message) {
        super(message, null, false);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
