package io.tasq.core.worker;

import io.tasq.TasqException;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultEnvelope;
import java.time.Clock;

/**
 * Ends a poison job: one delivered more often than its retries and the worker's allowance of crashes
 * add up to, because it stopped or stalled its worker each time (the attempt counter went up without
 * a result). It goes to the dead letters, and its client is told why.
 */
record PoisonStep(String workerId, int maxCrashes, Clock clock, Admission admission, ReplyPath replies,
        Counters stats) implements JobStep {

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (!job.fresh() || job.attempt() <= 1 + job.policy().retries() + maxCrashes) {
            rest.proceed(job);
            return;
        }
        JobEnvelope env = job.env();
        stats.deadLettered.incrementAndGet();
        admission.deadLettered(env);
        replies.reject(ResultEnvelope.Origin.of(env, workerId, job.attempt(), job.run()), clock.millis(),
                new TasqException("job '" + env.name() + "' was delivered " + job.attempt() + " times: it stopped "
                        + "or stalled its worker each time (a poison job); it went to the dead letters"),
                job.outcome());
    }
}
