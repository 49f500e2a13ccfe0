package io.tasq;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The high-level entry point: a queue on a backend chosen by URL, connected when created.
 *
 * <pre>{@code
 * try (TasqQueue queue = Tasq.queue("zmq://127.0.0.1:9000")) {
 *     TasqFuture<Integer> fut = queue.put(n -> n * 2, 5, JobOptions.named("task-01"));
 *     fut.unwrap();                  // 10, or throws JobFailedException with the remote trace
 * }
 * }</pre>
 *
 * <p>A thin layer over a connected {@link TasqClient}, which {@link #client()} returns for the
 * lower-level calls: each {@code put} is the client's {@code schedule} of the same arguments, and
 * each {@code putBlocking} its {@code scheduleBlocking}. Thread-safe.
 */
public final class TasqQueue implements AutoCloseable {

    private final TasqClient client;

    /**
     * Wraps a client and connects it.
     *
     * @throws BackendUnavailableException if the backend cannot be reached
     */
    public TasqQueue(TasqClient client) {
        this.client = Objects.requireNonNull(client, "client == null");
        client.connect();
    }

    /** The client behind this queue. */
    public TasqClient client() {
        return client;
    }

    /** Puts a {@link Job} object on the queue; see {@link TasqClient#submit(Job, JobOptions)}. */
    public <R> TasqFuture<R> submit(Job<R> job, JobOptions options) {
        return client.submit(job, options);
    }

    /** Puts a 0-argument function on the queue with default options; see {@link TasqClient#schedule(Task0)}. */
    public <R> TasqFuture<R> put(Task0<R> task) {
        return client.schedule(task);
    }

    /** Puts a 0-argument function on the queue; see {@link TasqClient#schedule(Task0, JobOptions)}. */
    public <R> TasqFuture<R> put(Task0<R> task, JobOptions options) {
        return client.schedule(task, options);
    }

    /**
     * Puts a 0-argument function with default options and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task0)}.
     */
    public <R> R putBlocking(Task0<R> task) {
        return client.scheduleBlocking(task);
    }

    /**
     * Puts a 0-argument function and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task0, JobOptions)}.
     */
    public <R> R putBlocking(Task0<R> task, JobOptions options) {
        return client.scheduleBlocking(task, options);
    }

    /**
     * Puts a 0-argument function and waits at most {@code timeout} for its value; see
     * {@link TasqClient#scheduleBlocking(Duration, Task0, JobOptions)}.
     */
    public <R> R putBlocking(Duration timeout, Task0<R> task, JobOptions options) {
        return client.scheduleBlocking(timeout, task, options);
    }

    /** Puts a 1-argument function on the queue with default options; see {@link TasqClient#schedule(Task1, Object)}. */
    public <A, R> TasqFuture<R> put(Task1<A, R> task, A a) {
        return client.schedule(task, a);
    }

    /** Puts a 1-argument function on the queue; see {@link TasqClient#schedule(Task1, Object, JobOptions)}. */
    public <A, R> TasqFuture<R> put(Task1<A, R> task, A a, JobOptions options) {
        return client.schedule(task, a, options);
    }

    /**
     * Puts a 1-argument function with default options and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task1, Object)}.
     */
    public <A, R> R putBlocking(Task1<A, R> task, A a) {
        return client.scheduleBlocking(task, a);
    }

    /**
     * Puts a 1-argument function and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task1, Object, JobOptions)}.
     */
    public <A, R> R putBlocking(Task1<A, R> task, A a, JobOptions options) {
        return client.scheduleBlocking(task, a, options);
    }

    /**
     * Puts a 1-argument function and waits at most {@code timeout} for its value; see
     * {@link TasqClient#scheduleBlocking(Duration, Task1, Object, JobOptions)}.
     */
    public <A, R> R putBlocking(Duration timeout, Task1<A, R> task, A a, JobOptions options) {
        return client.scheduleBlocking(timeout, task, a, options);
    }

    /**
     * Puts a 2-argument function on the queue with default options; see
     * {@link TasqClient#schedule(Task2, Object, Object)}.
     */
    public <A, B, R> TasqFuture<R> put(Task2<A, B, R> task, A a, B b) {
        return client.schedule(task, a, b);
    }

    /** Puts a 2-argument function on the queue; see {@link TasqClient#schedule(Task2, Object, Object, JobOptions)}. */
    public <A, B, R> TasqFuture<R> put(Task2<A, B, R> task, A a, B b, JobOptions options) {
        return client.schedule(task, a, b, options);
    }

    /**
     * Puts a 2-argument function with default options and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task2, Object, Object)}.
     */
    public <A, B, R> R putBlocking(Task2<A, B, R> task, A a, B b) {
        return client.scheduleBlocking(task, a, b);
    }

    /**
     * Puts a 2-argument function and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task2, Object, Object, JobOptions)}.
     */
    public <A, B, R> R putBlocking(Task2<A, B, R> task, A a, B b, JobOptions options) {
        return client.scheduleBlocking(task, a, b, options);
    }

    /**
     * Puts a 2-argument function and waits at most {@code timeout} for its value; see
     * {@link TasqClient#scheduleBlocking(Duration, Task2, Object, Object, JobOptions)}.
     */
    public <A, B, R> R putBlocking(Duration timeout, Task2<A, B, R> task, A a, B b, JobOptions options) {
        return client.scheduleBlocking(timeout, task, a, b, options);
    }

    /**
     * Puts a 3-argument function on the queue with default options; see
     * {@link TasqClient#schedule(Task3, Object, Object, Object)}.
     */
    public <A, B, C, R> TasqFuture<R> put(Task3<A, B, C, R> task, A a, B b, C c) {
        return client.schedule(task, a, b, c);
    }

    /**
     * Puts a 3-argument function on the queue; see
     * {@link TasqClient#schedule(Task3, Object, Object, Object, JobOptions)}.
     */
    public <A, B, C, R> TasqFuture<R> put(Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return client.schedule(task, a, b, c, options);
    }

    /**
     * Puts a 3-argument function with default options and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task3, Object, Object, Object)}.
     */
    public <A, B, C, R> R putBlocking(Task3<A, B, C, R> task, A a, B b, C c) {
        return client.scheduleBlocking(task, a, b, c);
    }

    /**
     * Puts a 3-argument function and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task3, Object, Object, Object, JobOptions)}.
     */
    public <A, B, C, R> R putBlocking(Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return client.scheduleBlocking(task, a, b, c, options);
    }

    /**
     * Puts a 3-argument function and waits at most {@code timeout} for its value; see
     * {@link TasqClient#scheduleBlocking(Duration, Task3, Object, Object, Object, JobOptions)}.
     */
    public <A, B, C, R> R putBlocking(Duration timeout, Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return client.scheduleBlocking(timeout, task, a, b, c, options);
    }

    /**
     * Puts a 4-argument function on the queue with default options; see
     * {@link TasqClient#schedule(Task4, Object, Object, Object, Object)}.
     */
    public <A, B, C, D, R> TasqFuture<R> put(Task4<A, B, C, D, R> task, A a, B b, C c, D d) {
        return client.schedule(task, a, b, c, d);
    }

    /**
     * Puts a 4-argument function on the queue; see
     * {@link TasqClient#schedule(Task4, Object, Object, Object, Object, JobOptions)}.
     */
    public <A, B, C, D, R> TasqFuture<R> put(Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return client.schedule(task, a, b, c, d, options);
    }

    /**
     * Puts a 4-argument function with default options and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task4, Object, Object, Object, Object)}.
     */
    public <A, B, C, D, R> R putBlocking(Task4<A, B, C, D, R> task, A a, B b, C c, D d) {
        return client.scheduleBlocking(task, a, b, c, d);
    }

    /**
     * Puts a 4-argument function and waits for its value; see
     * {@link TasqClient#scheduleBlocking(Task4, Object, Object, Object, Object, JobOptions)}.
     */
    public <A, B, C, D, R> R putBlocking(Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return client.scheduleBlocking(task, a, b, c, d, options);
    }

    /**
     * Puts a 4-argument function and waits at most {@code timeout} for its value; see
     * {@link TasqClient#scheduleBlocking(Duration, Task4, Object, Object, Object, Object, JobOptions)}.
     */
    public <A, B, C, D, R> R putBlocking(Duration timeout, Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return client.scheduleBlocking(timeout, task, a, b, c, d, options);
    }

    /** The jobs put on this queue by this client that have no result yet, oldest first. */
    public List<PendingJob> pendingJobs() {
        return client.pendingJobs();
    }

    /**
     * Adds a worker to a brokerless pool at run time; see {@link TasqClient#addWorker(String)}.
     */
    public void addWorker(String address) {
        client.addWorker(address);
    }

    /** Closes the client; pending futures fail with {@link ClientClosedException}. */
    @Override
    public void close() {
        client.close();
    }
}
