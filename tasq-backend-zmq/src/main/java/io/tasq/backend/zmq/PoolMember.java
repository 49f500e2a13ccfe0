package io.tasq.backend.zmq;

import io.tasq.backend.zmq.ZmqSettings.Endpoint;
import java.util.ArrayDeque;

/**
 * What a client knows of one worker of its pool: whether it is up (it answered a ping and has not
 * been silent for the worker timeout), whether it is draining (it handed a job back: it is
 * stopping), its instance id, and the jobs assigned to it. Holds no socket. Not thread-safe: a
 * {@link WorkerPool} changes it under its client's lock.
 */
final class PoolMember {

    final Endpoint endpoint;
    /** Jobs assigned to it and not yet handed to its connection, in order. */
    final ArrayDeque<PooledJob> backlog = new ArrayDeque<>();
    /** Jobs assigned to it and not settled, queued or sent: what least-pending counts. */
    int pending;
    String instance;
    long lastPong;
    boolean up;
    /** It handed a job back: it is stopping, so it gets no new jobs until it restarts or is taken out. */
    boolean draining;

    PoolMember(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Whether a new job may go to it: it is up and not stopping. */
    boolean eligible() {
        return up && !draining;
    }

    /** Whether jobs assigned to it wait to be handed to its connection. */
    boolean hasBacklog() {
        return !backlog.isEmpty();
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
