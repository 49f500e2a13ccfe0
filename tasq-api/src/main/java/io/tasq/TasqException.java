package io.tasq;

/**
 * The root of every exception Tasq throws. Subclasses are named after the failure, and each one
 * says through {@link #isRetryable()} whether trying the same thing again can help.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class TasqException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * @param message what went wrong and, where known, what to do about it
     * @param cause the underlying failure, may be {@code null}
     * @param retryable whether trying again may succeed
     */
    public TasqException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** A failure that retrying will not fix. */
    public TasqException(String message) {
        this(message, null, false);
    }

    /** A failure that retrying will not fix. */
    public TasqException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** Whether the same operation, tried again later, may succeed. */
    public boolean isRetryable() {
        return retryable;
    }
}
