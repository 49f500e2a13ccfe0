package io.tasq;

/**
 * A job ran over its time limit ({@link JobOptions#timeout}): its worker interrupted it (killed
 * its child JVM on a process worker) and gave its slot to the next job. Retryable: the same job may
 * finish in time on another attempt. Immutable.
 */
public class JobTimeoutException extends TasqException {
    private static final long serialVersionUID = 1L;

    /** @param message which job, which limit, which worker */
    public JobTimeoutException(String message) {
        super(message, null, true);
    }
}
