package io.tasq.core.worker;

import io.tasq.SignatureVerificationException;
import io.tasq.core.internal.wire.InvalidEnvelopeException;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.core.security.SignatureCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of a fresh delivery: its bytes decode as an envelope, its signature verifies, and
 * the code bundle after it is the one its signature names, before anything in it is believed. A
 * message that fails is counted, logged, dead-lettered truncated and answered to nobody (its reply
 * address is as unverified as the rest of it, so a reply would let anyone fail another client's job
 * by naming it). A run number on a job that does not repeat is dropped: it is the backend's,
 * unsigned, and must not skip the checks that only a repeating job's runs skip. Held jobs were
 * checked when they arrived and pass.
 */
record CheckStep(String workerId, SignatureCheck signatures, Execution execution, int maxBytes,
        Counters stats) implements JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(CheckStep.class);

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (!job.fresh()) {
            rest.proceed(job);
            return;
        }
        SignedJob checked;
        try {
            checked = JobCodec.decode(job.item().delivery().body(), maxBytes);
            signatures.check(checked);
        } catch (InvalidEnvelopeException | SignatureVerificationException e) {
            refuseUnverified(job, e.getMessage());
            return;
        }
        if (!execution.bundleMatches(checked)) {
            refuseUnverified(job, "job '" + checked.job().name() + "' (" + checked.job().jobId() + "): its code "
                    + "bundle does not match its signed hash: it was altered after signing, or corrupted in transit");
            return;
        }
        job.job(checked);
        WorkItem item = job.item();
        if (item.run() > 0 && !checked.job().repeating()) {
            job.item(new WorkItem(item.delivery(), null, item.attempt(), 0));
        }
        rest.proceed(job);
    }

    private void refuseUnverified(JobInFlight job, String why) {
        stats.rejected.incrementAndGet();
        LOG.warn("worker {} refused a message that failed verification (dead-lettered, no reply sent): {}",
                workerId, why);
        job.outcome().refuseUnverified(why);
    }
}
