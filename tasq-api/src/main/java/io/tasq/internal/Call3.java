package io.tasq.internal;

import io.tasq.Job;
import io.tasq.Task3;

/**
 * A {@link Task3} bound to its arguments: what a client sends to a worker. Not API.
 *
 * @param task the function
 * @param a argument 1
 * @param b argument 2
 * @param c argument 3
 */
public record Call3<A, B, C, R>(Task3<A, B, C, R> task, A a, B b, C c) implements Job<R> {
    private static final long serialVersionUID = 1L;

    @Override
    public R call() throws Exception {
        return task.apply(a, b, c);
    }
}
