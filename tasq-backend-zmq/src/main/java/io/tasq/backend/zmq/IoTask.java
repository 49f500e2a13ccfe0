package io.tasq.backend.zmq;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Work another thread hands to a client's IO thread, and the stage its caller waits on. The IO
 * thread {@link #run() runs} it under its lock and {@link #finish() completes} the stage after it let
 * the lock go, so that what a caller chains on the stage never runs under that lock. Not
 * thread-safe: one IO thread runs and finishes it; the stage is thread-safe.
 */
final class IoTask<T> {

    private final Supplier<T> work;
    private final CompletableFuture<T> done = new CompletableFuture<>();
    private T value;
    private RuntimeException failure;

    IoTask(Supplier<T> work) {
        this.work = work;
    }

    CompletableFuture<T> done() {
        return done;
    }

    /** Does the work, keeping its value or its failure for {@link #finish}. */
    void run() {
        try {
            value = work.get();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Completes the stage with what {@link #run} came to. */
    void finish() {
        if (failure == null) {
            done.complete(value);
        } else {
            done.completeExceptionally(failure);
        }
    }
}
