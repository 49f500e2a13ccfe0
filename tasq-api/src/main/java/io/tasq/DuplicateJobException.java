package io.tasq;

/**
 * A job was submitted with the name of a job of the same client that is still pending. Wait for the first one, or choose another name.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class DuplicateJobException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public DuplicateJobException(String message) {
        super(message, null, false);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public DuplicateJobException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
