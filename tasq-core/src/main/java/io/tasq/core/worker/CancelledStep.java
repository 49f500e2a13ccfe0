package io.tasq.core.worker;

import io.tasq.core.internal.wire.ResultEnvelope;

/**
 * Stops a job its client cancelled before it started: the client is told it was cancelled, and it
 * never runs. Checked for held jobs too, whose cancel may have come while they waited.
 */
record CancelledStep(String workerId, Cancellations cancellations, ReplyPath replies, Counters stats)
        implements JobStep {

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
