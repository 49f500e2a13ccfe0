package io.tasq.backend.zmq;

import io.tasq.spi.OutboundJob;
import java.util.concurrent.CompletableFuture;

/**
 * One job a client holds until its result comes: which worker of the pool it is assigned to, whether
 * it still waits in that worker's backlog, and how many times it was handed to a connection (the
 * attempt number of its last send). Its {@link #accepted} stage completes on its first send. Not
 * thread-safe: a {@link WorkerPool} changes it under its client's lock.
 */
final class PooledJob {

    final OutboundJob job;
    final byte[] jobId;
    final CompletableFuture<Void> accepted = new CompletableFuture<>();
    /** How many times it was handed to a worker's connection: the attempt number of the last send. */
    int sends;
    /** The worker it is assigned to, queued or sent; null while it waits for one. */
    PoolMember member;
    /** Whether it is in its worker's backlog, not yet handed to the connection. */
    boolean queued;
    boolean settled;

    PooledJob(OutboundJob job) {
        this.job = job;
        this.jobId = Frames.utf8(job.jobId());
    }

    /** The attempt number its next send carries. */
    int nextAttempt() {
        return sends + 1;
    }
}
