package io.tasq.core.worker;

import io.tasq.core.internal.wire.ResultEnvelope;

/**
 * Reports a run that failed because its client cancelled it while it ran (the cancel interrupted
 * it) as cancelled, not failed: it is neither retried nor dead-lettered.
 */
record CancelledRunStep(String workerId, Cancellations cancellations, Counters stats) implements JobStep {

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (job.failed() && cancellations.isCancelled(job.env().jobId())) {
            stats.cancelled.incrementAndGet();
            ResultEnvelope result = cancellations.result(ResultEnvelope.Origin.of(job.env(), workerId, job.attempt(),
                    job.run()), job.ran().result().execNanos(), "cancelled by its client while it ran");
            job.ran(new Execution.Ran(result, null, false));
        }
        rest.proceed(job);
    }
}
