package io.tasq;

/**
 * The client was disconnected or closed while a job was still pending, or a job was submitted to a closed client. A job already sent may still run on a worker.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ClientClosedException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public ClientClosedException(String message) {
        super(message, null, false);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public ClientClosedException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
