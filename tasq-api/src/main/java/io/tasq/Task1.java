package io.tasq;

import java.io.Serializable;

/**
 * A job function of 1 argument, written as a lambda or a method reference.
 *
 * <p>Being {@link Serializable}, a lambda assigned to this type can be shipped to a worker together
 * with its arguments: {@code client.schedule(n -> n * 2, 5)}. Instances are
 * immutable values; the worker calls {@link #apply} once per run.
 *
 * @param <A> the type of argument 1
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface Task1<A, R> extends Serializable {

    /**
     * Runs the function on a worker.
     *
     * @return the result sent back to the client, may be {@code null}
     * @throws Exception any failure, reported to the client as a {@link JobFailedException}
     */
    R apply(A a) throws Exception;
}
