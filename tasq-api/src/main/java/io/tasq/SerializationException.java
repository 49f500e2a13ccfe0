package io.tasq;

/**
 * A job, argument or result could not be written or read by the serializer (a type that is not serializable, a class the reader does not have or may not load).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class SerializationException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public SerializationException(String message) {
        super(message, null, false);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public SerializationException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
