package io.tasq;

/**
 * Thrown by a job to fail for good: the job is not retried whatever its {@link JobOptions#retries}.
 * Use {@link NonRetryable} to mark an exception class of your own the same way.
 *
 * <p>Instances are immutable once thrown.
 */
public class DoNotRetry extends RuntimeException implements NonRetryable {
    private static final long serialVersionUID = 1L;

    /** @param message why retrying cannot help */
    public DoNotRetry(String message) {
        super(message);
    }

    /**
     * @param message why retrying cannot help
     * @param cause the failure
     */
    public DoNotRetry(String message, Throwable cause) {
        super(message, cause);
    }
}
