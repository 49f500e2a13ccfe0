package io.tasq.internal;

import io.tasq.Job;
import io.tasq.Task0;

/**
 * A {@link Task0} bound to its arguments: what a client sends to a worker. Not API.
 *
 * @param task the function

 */
public record Call0<R>(Task0<R> task) implements Job<R> {
    private static final long serialVersionUID = 1L;

    @Override
    public R call() throws Exception {
        return task.apply();
    }
}
