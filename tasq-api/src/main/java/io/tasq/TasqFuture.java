package io.tasq;

import io.tasq.internal.FutureAccess;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The pending result of a submitted job: a {@link CompletableFuture} that completes once, with the
 * job's value, or exceptionally with a {@link TasqException} ({@link JobFailedException} when the
 * job threw, {@link JobRejectedException} when a worker refused it, {@link ClientClosedException}
 * when the client closed first).
 *
 * <p>It is a {@code CompletableFuture}, so it composes with {@code thenApply}, {@code allOf} and the
 * rest without copying. Dependent stages run on the client's completion thread unless an executor
 * is given: keep them short or use the {@code ...Async} forms. Cancelling it withdraws the job
 * where the backend allows and completes the future with a {@link CancellationException}.
 *
 * <p>Only a Tasq runtime makes and completes these (through {@link io.tasq.internal.FutureAccess},
 * which is not API); applications wait on them, compose them and cancel them. Thread-safe.
 *
 * @param <R> the type of the job's result
 */
public final class TasqFuture<R> extends CompletableFuture<R> {

    static {
        FutureAccess.install(new Access());
    }

    private final String jobId;
    private final String name;
    private final Consumer<TasqFuture<?>> onCancel;
    private volatile JobResult<R> result;
    private volatile Duration execTime;
    private volatile RecurringJob<R> recurring;
    private volatile int attempts;
    private volatile TasqException lastFailure;
    private volatile Duration warnAfter;
    private volatile Consumer<TasqFuture<?>> onUnanswered;
    private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();

    private TasqFuture(String jobId, String name, Consumer<TasqFuture<?>> onCancel) {
        this.jobId = Objects.requireNonNull(jobId, "jobId == null");
        this.name = Objects.requireNonNull(name, "name == null");
        this.onCancel = Objects.requireNonNull(onCancel, "onCancel == null");
    }

    private void warnWhenUnanswered(Duration after, Consumer<TasqFuture<?>> warn) {
        this.onUnanswered = Objects.requireNonNull(warn, "warn == null");
        this.warnAfter = Objects.requireNonNull(after, "after == null");
    }

    /**
     * Waits for the job. A wait that lasts long (a setting of the runtime) is reported once in the
     * log: no worker may be up, or one refused the job without a word.
     */
    @Override
    public R get() throws InterruptedException, ExecutionException {
        if (waitBeforeWarning()) {
            try {
                return super.get(warnAfter.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                warnOnce();
            }
        }
        return super.get();
    }

    /** Waits for the job; a long wait is reported as for {@link #get()}. */
    @Override
    public R join() {
        if (waitBeforeWarning()) {
            try {
                return super.get(warnAfter.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                warnOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CompletionException(e);
            } catch (ExecutionException e) {
                throw new java.util.concurrent.CompletionException(e.getCause());
            }
        }
        return super.join();
    }

    private boolean waitBeforeWarning() {
        return warnAfter != null && !isDone() && !warned.get();
    }

    private void warnOnce() {
        if (warned.compareAndSet(false, true)) {
            onUnanswered.accept(this);
        }
    }

    /** The job's id, unique across clients. */
    public String jobId() {
        return jobId;
    }

    /** The job's name: the one given in {@link JobOptions}, or its id. */
    public String name() {
        return name;
    }

    /**
     * Waits for the job and returns its value.
     *
     * @throws JobFailedException if the job threw, with the remote class, message and stack trace
     * @throws TasqException for any other failure (rejected, client closed, interrupted)
     * @throws CancellationException if the future was cancelled
     */
    public R unwrap() {
        try {
            return get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TasqException("interrupted while waiting for job '" + name + "' (" + jobId + ")", e);
        } catch (ExecutionException e) {
            throw unwrapped(e.getCause());
        }
    }

    /**
     * Waits at most {@code timeout} for the job and returns its value.
     *
     * @throws WaitTimeoutException if no result arrived in time; the job is still pending
     * @throws JobFailedException if the job threw
     * @throws TasqException for any other failure
     */
    public R unwrap(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout == null");
        try {
            return get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TasqException("interrupted while waiting for job '" + name + "' (" + jobId + ")", e);
        } catch (ExecutionException e) {
            throw unwrapped(e.getCause());
        } catch (TimeoutException e) {
            throw new WaitTimeoutException("no result for job '" + name + "' (" + jobId + ") within " + timeout
                    + "; it is still pending and its future completes when the result arrives");
        }
    }

    private static RuntimeException unwrapped(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new TasqException("job failed: " + cause, cause);
    }

    /**
     * For a repeating job, its handle: every run's result, the next run, cancelling. This future
     * itself completes with the first run.
     */
    public Optional<RecurringJob<R>> recurring() {
        return Optional.ofNullable(recurring);
    }

    private void bindRecurring(RecurringJob<R> handle) {
        this.recurring = Objects.requireNonNull(handle, "handle == null");
    }

    /**
     * How many attempts of the job have ended so far, retries included; the last one's number is
     * also in {@link JobResult#attempt()}.
     */
    public int attempts() {
        return attempts;
    }

    /** The failure of the latest attempt that failed and was retried, if any. */
    public Optional<TasqException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    private void attemptFailed(int attempt, TasqException failure) {
        this.attempts = Math.max(this.attempts, attempt);
        this.lastFailure = failure;
    }

    /** How long the job ran on its worker, once it has finished (also when it failed). */
    public Optional<Duration> execTime() {
        return Optional.ofNullable(execTime);
    }

    /** The worker's full report, once the job has succeeded. */
    public Optional<JobResult<R>> result() {
        return Optional.ofNullable(result);
    }

    private boolean completeResult(JobResult<R> jobResult) {
        Objects.requireNonNull(jobResult, "jobResult == null");
        if (isDone()) {
            return false;
        }
        this.result = jobResult;
        this.execTime = jobResult.execTime();
        this.attempts = Math.max(this.attempts, jobResult.attempt());
        return complete(jobResult.value());
    }

    private boolean completeFailure(TasqException failure, Duration execTime) {
        Objects.requireNonNull(failure, "failure == null");
        if (isDone()) {
            return false;
        }
        if (execTime != null) {
            this.execTime = execTime;
        }
        return completeExceptionally(failure);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            onCancel.accept(this);
        }
        return cancelled;
    }

    @Override
    public String toString() {
        String state;
        if (!isDone()) {
            state = "pending";
        } else if (isCancelled()) {
            state = "cancelled";
        } else if (isCompletedExceptionally()) {
            state = "failed";
        } else {
            Object value = getNow(null);
            state = "finished returned " + (value == null ? "null" : value.getClass().getSimpleName());
        }
        return "TasqFuture{name=" + name + ", id=" + jobId + ", state=" + state + '}';
    }

    /** The runtime's way in; see {@link FutureAccess}. */
    private static final class Access extends FutureAccess {

        @Override
        public <R> TasqFuture<R> newFuture(String jobId, String name, Consumer<TasqFuture<?>> onCancel) {
            return new TasqFuture<>(jobId, name, onCancel);
        }

        @Override
        public void warnWhenUnanswered(TasqFuture<?> future, Duration after, Consumer<TasqFuture<?>> warn) {
            future.warnWhenUnanswered(after, warn);
        }

        @Override
        public <R> void bindRecurring(TasqFuture<R> future, RecurringJob<R> handle) {
            future.bindRecurring(handle);
        }

        @Override
        public void attemptFailed(TasqFuture<?> future, int attempt, TasqException failure) {
            future.attemptFailed(attempt, failure);
        }

        @Override
        public <R> boolean completeResult(TasqFuture<R> future, JobResult<R> result) {
            return future.completeResult(result);
        }

        @Override
        public boolean completeFailure(TasqFuture<?> future, TasqException failure, Duration execTime) {
            return future.completeFailure(failure, execTime);
        }
    }
}
