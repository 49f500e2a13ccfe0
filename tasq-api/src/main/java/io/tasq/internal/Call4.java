package io.tasq.internal;

import io.tasq.Job;
import io.tasq.Task4;

/**
 * A {@link Task4} bound to its arguments: what a client sends to a worker. Not API.
 *
 * @param task the function
 * @param a argument 1
 * @param b argument 2
 * @param c argument 3
 * @param d argument 4
 */
public record Call4<A, B, C, D, R>(Task4<A, B, C, D, R> task, A a, B b, C c, D d) implements Job<R> {
    private static final long serialVersionUID = 1L;

    @Override
    public R call() throws Exception {
        return task.apply(a, b, c, d);
    }
}
