package io.tasq.internal;

import io.tasq.Job;
import io.tasq.Task2;

/**
 * A {@link Task2} bound to its arguments: what a client sends to a worker. Not API.
 *
 * @param task the function
 * @param a argument 1
 * @param b argument 2
 */
public record Call2<A, B, R>(Task2<A, B, R> task, A a, B b) implements Job<R> {
    private static final long serialVersionUID = 1L;

    @Override
    public R call() throws Exception {
        return task.apply(a, b);
    }
}
