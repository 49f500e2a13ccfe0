package io.tasq.core.worker;

import io.tasq.core.internal.wire.JobEnvelope;
import java.time.Clock;

/**
 * Holds back a job that came before its signed time: the backend keeps it until then if it can,
 * otherwise the worker acknowledges it and holds it on its timer ({@link HeldJobs}), never in an
 * actor. A held job comes back through the pipeline when due; a repeating job's runs are never early.
 */
record DelayStep(Clock clock, HeldJobs held, Admission admission, Counters stats) implements JobStep {

    @Override
    public void apply(JobInFlight job, Rest rest) {
        JobEnvelope env = job.env();
        if (!job.fresh() || job.item().run() != 0 || env.notBeforeMillis() <= clock.millis()) {
            rest.proceed(job);
            return;
        }
        stats.delayed.incrementAndGet();
        if (job.item().delivery().defer(env.notBeforeMillis())) {
            admission.handedBack(env);
        } else {
            job.item().delivery().ack();
            held.hold(job.job(), job.attempt(), env.notBeforeMillis());
        }
    }
}
