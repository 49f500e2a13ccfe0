package io.tasq;

/**
 * An envelope was unsigned, signed with an unknown key, or its signature did not match its content. The worker rejects such an envelope before it deserializes anything.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class SignatureVerificationException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public SignatureVerificationException(String message) {
        super(message, null, false);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public SignatureVerificationException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
