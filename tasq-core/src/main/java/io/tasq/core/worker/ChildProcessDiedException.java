package io.tasq.core.worker;

import io.tasq.TasqException;

/**
 * The child JVM running a job ended before the job did: the job called {@code System.exit}, ran out
 * of memory, or crashed the JVM. The process worker reports it as the job's failure and starts a
 * new child. Immutable.
 */
public final class ChildProcessDiedException extends TasqException {
    private static final long serialVersionUID = 1L;

    ChildProcessDiedException(String message) {
        super(message, null, false);
    }
}
