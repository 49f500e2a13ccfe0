package io.tasq;

/**
 * The backend (a broker, a socket, a server) could not be reached or was lost. Retryable: the client and worker reconnect by themselves, and the same call may succeed later.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class BackendUnavailableException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public BackendUnavailableException(String message) {
        super(message, null, true);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause, true);
    }
}
