package io.tasq.core.worker;

import io.tasq.core.wire.ResultEnvelope;

/**
 * Stops a job its client cancelled before it started: the client is told it was cancelled, and it
 * never runs. Checked for held jobs too, whose cancel may have come while they waited.
 */
final class CancelledStep implements JobStep {

    private final String workerId;
    private final Cancellations cancellations;
    private final ReplyPath replies;
    private final WorkerStats stats;

    CancelledStep(String workerId, Cancellations cancellations, ReplyPath replies, WorkerStats stats) {
        this.workerId = workerId;
        this.cancellations = cancellations;
        this.replies = replies;
        this.stats = stats;
    }

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (!cancellations.isCancelled(job.env().jobId())) {
            rest.proceed(job);
            return;
        }
        stats.cancelled.incrementAndGet();
        replies.done(cancellations.result(ResultEnvelope.Origin.of(job.env(), workerId, job.attempt(), job.run()), 0,
                "cancelled by its client before it started"), job.outcome());
    }
}
