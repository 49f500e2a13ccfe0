package io.tasq;

import io.tasq.internal.Call0;
import io.tasq.internal.Call1;
import io.tasq.internal.Call2;
import io.tasq.internal.Call3;
import io.tasq.internal.Call4;
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
 * lower-level calls. Thread-safe.
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

    /** puts a 0-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    public <R> TasqFuture<R> put(Task0<R> task) {
        return submit(new Call0<>(task), JobOptions.defaults());
    }

    /** puts a 0-argument function; see {@link #submit(Job, JobOptions)}. */
    public <R> TasqFuture<R> put(Task0<R> task, JobOptions options) {
        return submit(new Call0<>(task), options);
    }

    /** puts a 0-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <R> R putBlocking(Task0<R> task) {
        return put(task).unwrap();
    }

    /** puts a 0-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <R> R putBlocking(Task0<R> task, JobOptions options) {
        return put(task, options).unwrap();
    }

    /** puts a 0-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    public <R> R putBlocking(Duration timeout, Task0<R> task, JobOptions options) {
        return put(task, options).unwrap(timeout);
    }

    /** puts a 1-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    public <A, R> TasqFuture<R> put(Task1<A, R> task, A a) {
        return submit(new Call1<>(task, a), JobOptions.defaults());
    }

    /** puts a 1-argument function; see {@link #submit(Job, JobOptions)}. */
    public <A, R> TasqFuture<R> put(Task1<A, R> task, A a, JobOptions options) {
        return submit(new Call1<>(task, a), options);
    }

    /** puts a 1-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, R> R putBlocking(Task1<A, R> task, A a) {
        return put(task, a).unwrap();
    }

    /** puts a 1-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, R> R putBlocking(Task1<A, R> task, A a, JobOptions options) {
        return put(task, a, options).unwrap();
    }

    /** puts a 1-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    public <A, R> R putBlocking(Duration timeout, Task1<A, R> task, A a, JobOptions options) {
        return put(task, a, options).unwrap(timeout);
    }

    /** puts a 2-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    public <A, B, R> TasqFuture<R> put(Task2<A, B, R> task, A a, B b) {
        return submit(new Call2<>(task, a, b), JobOptions.defaults());
    }

    /** puts a 2-argument function; see {@link #submit(Job, JobOptions)}. */
    public <A, B, R> TasqFuture<R> put(Task2<A, B, R> task, A a, B b, JobOptions options) {
        return submit(new Call2<>(task, a, b), options);
    }

    /** puts a 2-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, B, R> R putBlocking(Task2<A, B, R> task, A a, B b) {
        return put(task, a, b).unwrap();
    }

    /** puts a 2-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, B, R> R putBlocking(Task2<A, B, R> task, A a, B b, JobOptions options) {
        return put(task, a, b, options).unwrap();
    }

    /** puts a 2-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    public <A, B, R> R putBlocking(Duration timeout, Task2<A, B, R> task, A a, B b, JobOptions options) {
        return put(task, a, b, options).unwrap(timeout);
    }

    /** puts a 3-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    public <A, B, C, R> TasqFuture<R> put(Task3<A, B, C, R> task, A a, B b, C c) {
        return submit(new Call3<>(task, a, b, c), JobOptions.defaults());
    }

    /** puts a 3-argument function; see {@link #submit(Job, JobOptions)}. */
    public <A, B, C, R> TasqFuture<R> put(Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return submit(new Call3<>(task, a, b, c), options);
    }

    /** puts a 3-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, B, C, R> R putBlocking(Task3<A, B, C, R> task, A a, B b, C c) {
        return put(task, a, b, c).unwrap();
    }

    /** puts a 3-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, B, C, R> R putBlocking(Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return put(task, a, b, c, options).unwrap();
    }

    /** puts a 3-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    public <A, B, C, R> R putBlocking(Duration timeout, Task3<A, B, C, R> task, A a, B b, C c, JobOptions options) {
        return put(task, a, b, c, options).unwrap(timeout);
    }

    /** puts a 4-argument function with default options; see {@link #submit(Job, JobOptions)}. */
    public <A, B, C, D, R> TasqFuture<R> put(Task4<A, B, C, D, R> task, A a, B b, C c, D d) {
        return submit(new Call4<>(task, a, b, c, d), JobOptions.defaults());
    }

    /** puts a 4-argument function; see {@link #submit(Job, JobOptions)}. */
    public <A, B, C, D, R> TasqFuture<R> put(Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return submit(new Call4<>(task, a, b, c, d), options);
    }

    /** puts a 4-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, B, C, D, R> R putBlocking(Task4<A, B, C, D, R> task, A a, B b, C c, D d) {
        return put(task, a, b, c, d).unwrap();
    }

    /** puts a 4-argument function and waits for its value; see {@link TasqFuture#unwrap()}. */
    public <A, B, C, D, R> R putBlocking(Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return put(task, a, b, c, d, options).unwrap();
    }

    /** puts a 4-argument function and waits at most {@code timeout}; see {@link TasqFuture#unwrap(Duration)}. */
    public <A, B, C, D, R> R putBlocking(Duration timeout, Task4<A, B, C, D, R> task, A a, B b, C c, D d, JobOptions options) {
        return put(task, a, b, c, d, options).unwrap(timeout);
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
