package io.tasq.spi;

import io.tasq.ClientClosedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What a {@link Backend} has opened and must close with itself: its producers, consumers, and the
 * operator objects it opens on first use. A backend keeps one and hands it each thing it opens;
 * {@link #close()} closes them all, newest first, and refuses anything opened afterwards.
 * Thread-safe.
 */
public final class OpenResources implements AutoCloseable {

    private final String owner;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<Class<?>, AutoCloseable> shared = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param owner what owns them, for the message of a use after close, for example
     *     {@code "the Redis backend for redis://host:6379"}
     */
    public OpenResources(String owner) {
        this.owner = owner;
    }

    /**
     * Keeps {@code resource} to be closed with the others.
     *
     * @return {@code resource}
     * @throws ClientClosedException if these resources are closed already; {@code resource} is closed
     */
    public <T extends AutoCloseable> T add(T resource) {
        synchronized (this) {
            if (!closed) {
                open.add(resource);
                return resource;
            }
        }
        closeQuietly(resource);
        throw closedError();
    }

    /**
     * The one resource of {@code type} these resources hold (an admin, the dead letters), opened by
     * {@code opener} on the first call and kept to be closed with the others.
     *
     * @throws ClientClosedException if these resources are closed already
     */
    public synchronized <T extends AutoCloseable> T shared(Class<T> type, Supplier<? extends T> opener) {
        if (closed) {
            throw closedError();
        }
        AutoCloseable r = shared.get(type);
        if (r == null) {
            r = add(opener.get());
            shared.put(type, r);
        }
        return type.cast(r);
    }

    /** The resources of {@code type} still held, oldest first. */
    public synchronized <T> Stream<T> all(Class<T> type) {
        return List.copyOf(open).stream().filter(type::isInstance).map(type::cast);
    }

    /** Whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Throws if these resources are closed: for a backend's methods that open something without
     * handing it here.
     *
     * @throws ClientClosedException if they are
     */
    public synchronized void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    /**
     * Closes every resource held, newest first; a resource that fails to close does not keep the
     * others open. Idempotent.
     */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(open);
            open.clear();
            shared.clear();
        }
        Collections.reverse(toClose);
        toClose.forEach(OpenResources::closeQuietly);
    }

    private ClientClosedException closedError() {
        return new ClientClosedException(owner + " is closed");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway: each resource reports its own failures
        }
    }
}
