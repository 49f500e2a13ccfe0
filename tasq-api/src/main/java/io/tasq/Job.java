package io.tasq;

import java.io.Serializable;

/**
 * A unit of work that a worker runs: a serializable object with a single {@link #call()} method.
 *
 * <p>Implement it with a class when a job carries state of its own; for plain functions prefer the
 * lambda forms {@link Task0} to {@link Task4}, which the client turns into a {@code Job} together
 * with their arguments. Whatever a job holds must be serializable by the configured serializer.
 *
 * <p>A job may throw any exception: the client's future then fails with a {@link JobFailedException}
 * carrying the remote class, message and stack trace. Implementations need not be thread-safe: a
 * worker runs each delivered copy of a job on one thread.
 *
 * @param <R> the type of the job's result
 */
@FunctionalInterface
public interface Job<R> extends Serializable {

    /**
     * Runs the job on a worker.
     *
     * @return the result sent back to the client, may be {@code null}
     * @throws Exception any failure, reported to the client as a {@link JobFailedException}
     */
    R call() throws Exception;
}
