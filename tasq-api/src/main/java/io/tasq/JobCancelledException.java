package io.tasq;

/**
 * A job will not run, or will not run to its end, because it was cancelled: by its client, or by a
 * worker that stopped while it held the job. A future cancelled by its own caller completes with a
 * {@link java.util.concurrent.CancellationException} instead, as every {@code CompletableFuture} does.
 *
 * <p>Instances are immutable.
 */
public class JobCancelledException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message why, and what to do */
    public JobCancelledException(String message) {
        super(message, null, true);
    }
}
