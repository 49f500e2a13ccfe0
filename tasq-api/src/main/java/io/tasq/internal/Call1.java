package io.tasq.internal;

import io.tasq.Job;
import io.tasq.Task1;

/**
 * A {@link Task1} bound to its arguments: what a client sends to a worker. Not API.
 *
 * @param task the function
 * @param a argument 1
 */
public record Call1<A, R>(Task1<A, R> task, A a) implements Job<R> {
    private static final long serialVersionUID = 1L;

    @Override
    public R call() throws Exception {
        return task.apply(a);
    }
}
