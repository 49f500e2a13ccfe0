package io.tasq;

import io.tasq.internal.Call0;
import io.tasq.internal.Call1;
import io.tasq.internal.Call2;
import io.tasq.internal.Call3;
import io.tasq.internal.Call4;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The lower-level client: submits jobs to a queue, keeps their futures by name, and lets the caller
 * decide when to connect.
 *
 * <pre>{@code
 * try (TasqClient tc = Tasq.client("zmq://127.0.0.1:9000")) {
 *     tc.connect();
 *     TasqFuture<String> f = tc.schedule(Jobs::foo, 5, JobOptions.named("Task-1"));
 *     String r = tc.scheduleBlocking(Jobs::foo, 5, JobOptions.named("Task-2"));
 *     tc.results();                  // {"Task-1" -> future, "Task-2" -> future}
 * }
 * }</pre>
 *
 * <p>Jobs submitted before {@link #connect()}, or while the backend is unreachable, are kept by the
 * client and sent in order once it is connected. Every future completes exactly once: with the
 * job's value, its remote error, or a {@link ClientClosedException} when the client closes first.
 *
 * <p>Thread-safe: any number of threads may submit at once.
 */
public interface TasqClient extends AutoCloseable {

    /** This client's id: the address its results come back to. Stable for the client's life. */
    String clientId();

    /**
     * Connects to the backend and sends the jobs submitted so far. Does nothing if connected.
     *
     * @throws BackendUnavailableException if the backend cannot be reached
     * @throws ConfigurationException if the URL or settings are wrong
     */
    void connect();

    /** Whether {@link #connect()} has succeeded and {@link #disconnect()} has not been called since. */
    boolean isConnected();

    /**
     * Submits a job. Returns at once; the future completes when a worker has run the job.
     *
     * @param job the job, serializable by the configured serializer
     * @param options its name, delay and interval
     * @throws DuplicateJobException if a job with the same name is still pending on this client
     * @throws InvalidScheduleException if the interval or cron expression is not understood
     * @throws SerializationException if the job cannot be serialized
     * @throws ClientClosedException if the client is closed
     */
    <R> TasqFuture<R> submit(Job<R> job, JobOptions options);

    /** Submits a {@link Job} object with default options; see {@link #submit(Job, JobOptions)}. */
    default <R> TasqFuture<R> submit(Job<R> job) {
        return submit(job, JobOptions.defaults());
    }

    /** schedules a 0-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    default <R> TasqFuture<R> schedule(Task0<R> task) {
        return submit(new Call0<>(task), JobOptions.defaults());
    }

    /** schedules a 0-argument function; see {@link #submit(Job, JobOptions)}. */
    default <R> TasqFuture<R> schedule(Task0<R> task, JobOptions options) {
        return submit(new Call0<>(task), options);
    }

    /** schedules a 0-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <R> R scheduleBlocking(Task0<R> task) {
        return schedule(task).unwrap();
    }

    /** schedules a 0-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <R> R scheduleBlocking(Task0<R> task, JobOptions options) {
        return schedule(task, options).unwrap();
    }

    /** schedules a 0-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    default <R> R scheduleBlocking(Duration timeout, Task0<R> task, JobOptions options) {
        return schedule(task, options).unwrap(timeout);
    }

    /** schedules a 1-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    default <A, R> TasqFuture<R> schedule(Task1<A, R> task, A a) {
        return submit(new Call1<>(task, a), JobOptions.defaults());
    }

    /** schedules a 1-argument function; see {@link #submit(Job, JobOptions)}. */
    default <A, R> TasqFuture<R> schedule(Task1<A, R> task, A a, JobOptions options) {
        return submit(new Call1<>(task, a), options);
    }

    /** schedules a 1-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, R> R scheduleBlocking(Task1<A, R> task, A a) {
        return schedule(task, a).unwrap();
    }

    /** schedules a 1-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, R> R scheduleBlocking(Task1<A, R> task, A a, JobOptions options) {
        return schedule(task, a, options).unwrap();
    }

    /** schedules a 1-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    default <A, R> R scheduleBlocking(Duration timeout, Task1<A, R> task, A a, JobOptions options) {
        return schedule(task, a, options).unwrap(timeout);
    }

    /** schedules a 2-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    default <A, B, R> TasqFuture<R> schedule(Task2<A, B, R> task, A a, B b) {
        return submit(new Call2<>(task, a, b), JobOptions.defaults());
    }

    /** schedules a 2-argument function; see {@link #submit(Job, JobOptions)}. */
    default <A, B, R> TasqFuture<R> schedule(Task2<A, B, R> task, A a, B b, JobOptions options) {
        return submit(new Call2<>(task, a, b), options);
    }

    /** schedules a 2-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, B, R> R scheduleBlocking(Task2<A, B, R> task, A a, B b) {
        return schedule(task, a, b).unwrap();
    }

    /** schedules a 2-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, B, R> R scheduleBlocking(Task2<A, B, R> task, A a, B b, JobOptions options) {
        return schedule(task, a, b, options).unwrap();
    }

    /** schedules a 2-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    default <A, B, R> R scheduleBlocking(Duration timeout, Task2<A, B, R> task, A a, B b, JobOptions options) {
        return schedule(task, a, b, options).unwrap(timeout);
    }

    /** schedules a 3-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    default <A, B, C, R> TasqFuture<R> schedule(Task3<A, B, C, R> task, A a, B b, C c) {
        return submit(new Call3<>(task, a, b, c), JobOptions.defaults());
    }

    /** schedules a 3-argument function; see {@link #submit(Job, JobOptions)}. */
    default <A, B, C, R> TasqFuture<R> schedule(Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return submit(new Call3<>(task, a, b, c), options);
    }

    /** schedules a 3-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, B, C, R> R scheduleBlocking(Task3<A, B, C, R> task, A a, B b, C c) {
        return schedule(task, a, b, c).unwrap();
    }

    /** schedules a 3-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, B, C, R> R scheduleBlocking(Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return schedule(task, a, b, c, options).unwrap();
    }

    /** schedules a 3-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    default <A, B, C, R> R scheduleBlocking(Duration timeout, Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return schedule(task, a, b, c, options).unwrap(timeout);
    }

    /** schedules a 4-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    default <A, B, C, D, R> TasqFuture<R> schedule(Task4<A, B, C, D, R> task, A a, B b, C c, D d) {
        return submit(new Call4<>(task, a, b, c, d), JobOptions.defaults());
    }

    /** schedules a 4-argument function; see {@link #submit(Job, JobOptions)}. */
    default <A, B, C, D, R> TasqFuture<R> schedule(Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return submit(new Call4<>(task, a, b, c, d), options);
    }

    /** schedules a 4-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, B, C, D, R> R scheduleBlocking(Task4<A, B, C, D, R> task, A a, B b, C c, D d) {
        return schedule(task, a, b, c, d).unwrap();
    }

    /** schedules a 4-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    default <A, B, C, D, R> R scheduleBlocking(Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return schedule(task, a, b, c, d, options).unwrap();
    }

    /** schedules a 4-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    default <A, B, C, D, R> R scheduleBlocking(Duration timeout, Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return schedule(task, a, b, c, d, options).unwrap(timeout);
    }

    /**
     * The futures of this client's jobs by name, in submission order: every pending job and the
     * most recent finished ones (how many is a setting, {@code client.results-kept}). A snapshot.
     */
    Map<String, TasqFuture<?>> results();

    /**
     * Cancels one of this client's jobs: its future completes with a
     * {@link java.util.concurrent.CancellationException}; a job not yet started never runs (a
     * backend that still holds it takes it back, every worker is told to drop it), and a running job
     * is interrupted. For a repeating job, stops its future runs too.
     *
     * @return {@code false} if the job is not pending on this client
     */
    boolean cancel(String jobId);

    /** The repeating jobs this client submitted and has not cancelled, by name. A snapshot. */
    Map<String, RecurringJob<?>> recurring();

    /**
     * A handle receiving the runs of the repeating job {@code name} that reach this client: for a
     * client that restarted with the same {@code client.id} and wants the runs of a job it submitted
     * before. Its schedule is not known here, so {@link RecurringJob#nextRun()} is empty.
     */
    <R> RecurringJob<R> watchRecurring(String name);

    /**
     * Every repeating job the queue keeps, whoever submitted them, as a worker of the queue sees
     * them (the request is a signed control message a worker answers).
     */
    TasqFuture<java.util.List<RecurringInfo>> listRecurring();

    /**
     * Stops the repeating job of this name on the queue, whoever submitted it (also after this
     * client restarted). The future tells whether one was found.
     */
    TasqFuture<Boolean> cancelRecurring(String name);

    /** The jobs submitted by this client that have no result yet, oldest first. A snapshot. */
    List<PendingJob> pendingJobs();

    /**
     * Adds a worker to a brokerless pool at run time, for example {@code zmq://10.0.0.7:9000}: from
     * its first answer on it takes its share of the jobs. Adding one already in the pool does
     * nothing. Brokered backends find their workers through the broker and refuse this.
     *
     * @throws ConfigurationException if the address does not name one worker
     * @throws UnsupportedOperationException if the backend has no pool of workers to add to
     * @throws IllegalStateException if the client is not connected
     */
    void addWorker(String address);

    /**
     * Disconnects from the backend. Futures still pending fail with {@link ClientClosedException}
     * (their jobs may still run on a worker); later submissions are refused. Idempotent.
     */
    void disconnect();

    /** Same as {@link #disconnect()}. */
    @Override
    default void close() {
        disconnect();
    }
}
