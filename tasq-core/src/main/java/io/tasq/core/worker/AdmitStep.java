package io.tasq.core.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a verified delivery go on only if {@link Admission} admits it: signed for this queue, not
 * expired, the first copy taken. Otherwise it is settled here: refused to the dead letters without a
 * reply (a copy sent to the wrong queue or too late must not fail the real job's future), dropped as
 * a copy, or handed back when the queue's memory of jobs taken could not be asked.
 */
record AdmitStep(String workerId, Admission admission, Counters stats) implements JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(AdmitStep.class);

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (!job.fresh()) {
            rest.proceed(job);
            return;
        }
        Admission.Result a = admission.check(job.job(), job.item().run(), job.item().delivery().id());
        switch (a.verdict()) {
            case ADMITTED -> rest.proceed(job);
            case REFUSED -> {
                stats.rejected.incrementAndGet();
                stats.deadLettered.incrementAndGet();
                LOG.warn("worker {}: {} (dead-lettered, no reply sent)", workerId, a.reason());
                job.outcome().refuse(null, a.reason());
            }
            case DUPLICATE -> {
                stats.duplicates.incrementAndGet();
                job.outcome().ack();
            }
            default -> job.item().delivery().release();
        }
    }
}
