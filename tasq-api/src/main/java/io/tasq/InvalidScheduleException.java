package io.tasq;

/**
 * A delay, interval or cron expression given to {@link JobOptions} could not be understood. The message lists the accepted forms.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class InvalidScheduleException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public InvalidScheduleException(String message) {
        super(message, null, false);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public InvalidScheduleException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
