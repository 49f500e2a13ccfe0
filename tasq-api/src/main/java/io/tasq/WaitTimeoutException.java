package io.tasq;

/**
 * No result arrived within the time a caller chose to wait. The job itself is still pending and its future completes when its result arrives.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class WaitTimeoutException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public WaitTimeoutException(String message) {
        super(message, null, true);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public WaitTimeoutException(String message, Throwable cause) {
        super(message, cause, true);
    }
}
