package io.tasq;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The handle of a repeating job (submitted with {@link JobOptions#every}): its id and schedule, its
 * next run, every run's result, and a way to stop it.
 *
 * <pre>{@code
 * TasqFuture<String> first = client.schedule(Jobs::report, JobOptions.named("report").every("8s"));
 * RecurringJob<String> report = first.recurring().orElseThrow();
 * report.onRun(r -> System.out.println(r.run() + ": " + r.value()));
 * report.cancel();                     // or, from any client: client.cancelRecurring("report")
 * }</pre>
 *
 * <p>Results reach the client that submitted the job (by its client id). A client that restarted with
 * the same {@code client.id} gets a handle for a job it submitted before with
 * {@link TasqClient#watchRecurring(String)}. Thread-safe.
 *
 * @param <R> the type of each run's value
 */
public interface RecurringJob<R> {

    /** The id of the job that was submitted. */
    String jobId();

    /** The name: unique per queue; a new repeating job with the same name replaces this one. */
    String name();

    /** The interval or cron expression, in its canonical form; empty for a handle from {@link TasqClient#watchRecurring}. */
    String schedule();

    /**
     * When the next run is due, as the client reckons it from the schedule and the last run; empty
     * when the client does not know the schedule (a handle from {@link TasqClient#watchRecurring}).
     */
    Optional<Instant> nextRun();

    /** How many runs' results have arrived. */
    long runs();

    /** Calls {@code listener} with every run's result from now on, on the client's completion thread. */
    void onRun(Consumer<RunResult<R>> listener);

    /** The runs' results as a reactive stream; it completes when the job is cancelled or the client closes. */
    Flow.Publisher<RunResult<R>> results();

    /**
     * Stops future runs, on the backend; a run already started finishes. The future tells whether a
     * schedule was found and removed.
     */
    TasqFuture<Boolean> cancel();

    /** Whether {@link #cancel()} was called and confirmed. */
    boolean isCancelled();
}
