package io.tasq.internal;

import io.tasq.JobResult;
import io.tasq.RecurringJob;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a Tasq runtime does to a {@link TasqFuture} and its users may not: make one, complete it with
 * a worker's report, record a retried attempt. {@code TasqFuture} keeps these operations
 * package-private and installs the one implementation of this class when it is loaded, so that
 * tasq-core reaches them through {@link #get()} while they stay out of the future's public API (the
 * "shared secrets" pattern).
 *
 * <p><b>Not API</b>, like everything in {@code io.tasq.internal}: it may change in any release, and
 * an application that calls it can break the guarantee that every future completes exactly once
 * with what its worker reported. Thread-safe.
 */
public abstract class FutureAccess {

    private static volatile FutureAccess installed;

    /** For {@code TasqFuture}'s implementation only. */
    protected FutureAccess() {
    }

    /**
     * Called once, by {@code TasqFuture} as it is initialized.
     *
     * @throws IllegalArgumentException if {@code access} is not {@code TasqFuture}'s own
     * @throws IllegalStateException if it is installed already
     */
    public static void install(FutureAccess access) {
        Objects.requireNonNull(access, "access == null");
        if (access.getClass().getNestHost() != TasqFuture.class) {
            throw new IllegalArgumentException("only TasqFuture installs the access to its futures, not "
                    + access.getClass().getName());
        }
        synchronized (FutureAccess.class) {
            if (installed != null) {
                throw new IllegalStateException("the access to TasqFuture is installed already");
            }
            installed = access;
        }
    }

    /** The runtime's access to {@link TasqFuture}. */
    public static FutureAccess get() {
        FutureAccess access = installed;
        if (access == null) {
            // TasqFuture installs it as it is initialized; no lock is held here, so two threads that
            // start at once cannot wait for each other's class initialization
            try {
                Class.forName(TasqFuture.class.getName(), true, TasqFuture.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("TasqFuture is not loadable", e);
            }
            access = installed;
        }
        return access;
    }

    /**
     * A future for a submitted job.
     *
     * @param onCancel called once when the future is cancelled, to withdraw the job
     */
    public abstract <R> TasqFuture<R> newFuture(String jobId, String name, Consumer<TasqFuture<?>> onCancel);

    /**
     * After a caller has waited {@code after} without a timeout ({@code get()}, {@code join()},
     * {@code unwrap()}), calls {@code warn} once for this job, so that a wait that may never end (no
     * worker, or a worker that refused the job without a word) is visible.
     */
    public abstract void warnWhenUnanswered(TasqFuture<?> future, Duration after, Consumer<TasqFuture<?>> warn);

    /** Binds the handle of the repeating job {@code future} is the first run of. */
    public abstract <R> void bindRecurring(TasqFuture<R> future, RecurringJob<R> handle);

    /** Records an attempt that failed and will be retried. */
    public abstract void attemptFailed(TasqFuture<?> future, int attempt, TasqException failure);

    /**
     * Completes the future with a worker's result.
     *
     * @return {@code true} if this call completed the future
     */
    public abstract <R> boolean completeResult(TasqFuture<R> future, JobResult<R> result);

    /**
     * Completes the future with a failure.
     *
     * @param execTime how long the job ran before it failed, or {@code null} if it did not run
     * @return {@code true} if this call completed the future
     */
    public abstract boolean completeFailure(TasqFuture<?> future, TasqException failure, Duration execTime);
}
