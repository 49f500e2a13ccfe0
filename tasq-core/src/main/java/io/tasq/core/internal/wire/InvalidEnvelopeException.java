package io.tasq.core.internal.wire;

import io.tasq.TasqException;

/**
 * Bytes that are not a well-formed Tasq envelope: truncated, garbled, of an unknown version, or with a length out of bounds.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class InvalidEnvelopeException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public InvalidEnvelopeException(String message) {
        super(message, null, false);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public InvalidEnvelopeException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
