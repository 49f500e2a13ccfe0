package io.tasq.spi;

import java.util.List;

/**
 * What an operator's tool (tq inspect, the dashboard) asks a backend about a queue: the live
 * workers and the queue's depth. Implementations open what they need on first use, are closed with
 * their backend, and are thread-safe.
 */
public interface QueueAdmin {

    /** The workers of the queue that sent a heartbeat recently, by id. */
    List<WorkerInfo> workers();

    /** The queue's depth, as far as the backend can tell. */
    QueueStats stats();
}
