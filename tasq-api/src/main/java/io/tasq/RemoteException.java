package io.tasq;

import java.util.Objects;

/**
 * An exception thrown by a job on a worker, as the client sees it: the remote class name, message
 * and stack trace, with the remote causes chained as further {@code RemoteException}s.
 *
 * <p>The remote exception's class need not exist on the client, so it is not re-created; instead
 * {@link #toString()} and {@link #printStackTrace()} show the remote class name, and
 * {@link #getStackTrace()} holds the remote frames. Instances are immutable once built.
 */
public final class RemoteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String remoteType;

    /**
     * @param remoteType the fully qualified class name of the exception on the worker
     * @param message its message, may be {@code null}
     * @param stackTrace the remote frames
     * @param cause the remote cause, or {@code null}
     */
    public RemoteException(String remoteType, String message, StackTraceElement[] stackTrace, RemoteException cause) {
        super(message, cause, true, true);
        this.remoteType = Objects.requireNonNull(remoteType, "remoteType == null");
        setStackTrace(Objects.requireNonNull(stackTrace, "stackTrace == null"));
    }

    /** The fully qualified class name of the exception thrown on the worker. */
    public String remoteType() {
        return remoteType;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // the frames are the remote ones, set in the constructor
    }

    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return message == null ? remoteType : remoteType + ": " + message;
    }
}
