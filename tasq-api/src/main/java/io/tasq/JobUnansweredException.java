package io.tasq;

/**
 * No answer came for a job within the client's {@code client.job-timeout}. The job may still run
 * (a worker may be down, or have refused it without a word: a worker never answers a job it could
 * not verify, since the address in it is as unverified as the rest); its future is failed so that
 * the application stops waiting. Retrying can help.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class JobUnansweredException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public JobUnansweredException(String message) {
        super(message, null, true);
    }
}
