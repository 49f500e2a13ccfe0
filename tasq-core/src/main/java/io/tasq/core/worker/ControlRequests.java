package io.tasq.core.worker;

import io.tasq.RecurringInfo;
import io.tasq.SignatureVerificationException;
import io.tasq.TasqException;
import io.tasq.core.internal.wire.Control;
import io.tasq.core.internal.wire.InvalidEnvelopeException;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.core.security.SignatureCheck;
import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.Serializer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed requests from clients, not jobs: cancel a job, cancel a repeating job, list the repeating
 * jobs. One comes like a job (checked and admitted like one, then answered with a result), or
 * broadcast to every worker (checked, then applied, never answered). As a step it takes requests
 * aside and passes jobs on. Thread-safe.
 */
record ControlRequests(String workerId, SignatureCheck signatures, int maxBytes, Clock clock, ScheduleStore schedules,
        Serializer serializer, Cancellations cancellations, Admission admission, ReplyPath replies, Counters stats)
        implements JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRequests.class);

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (job.fresh() && Control.is(job.env())) {
            answer(job);
        } else {
            rest.proceed(job);
        }
    }

    /** A request that came like a job: applied, and answered with a result. */
    private void answer(JobInFlight job) {
        JobEnvelope env = job.env();
        String request = env.options().get(Control.OPTION);
        String target = env.options().getOrDefault(Control.TARGET, "");
        ResultEnvelope.Origin origin = ResultEnvelope.Origin.of(env, workerId, job.attempt(), 1);
        Object answer;
        if (Control.CANCEL_RECURRING.equals(request)) {
            boolean removed;
            try {
                removed = schedules.remove(target);
            } catch (RuntimeException e) {
                LOG.warn("could not cancel repeating job {}, handing the request back: {}", target, e.toString());
                admission.handedBack(env);
                job.item().delivery().release();
                return;
            }
            LOG.info("client {} cancelled repeating job {}: {}", env.replyTo(), target, removed ? "stopped" : "not found");
            answer = removed;
        } else if (Control.CANCEL_JOB.equals(request)) {
            answer = cancellations.cancel(target);
        } else if (Control.LIST_RECURRING.equals(request)) {
            answer = recurring();
        } else {
            replies.reject(origin, clock.millis(),
                    new TasqException("unknown control request '" + request + "'; upgrade the worker"), job.outcome());
            return;
        }
        replies.done(ResultEnvelope.succeeded(origin, clock.millis(), 0, serializer.name(),
                serializer.serialize(answer)), job.outcome());
    }

    /** The repeating jobs of the store, as a client sees them. */
    private ArrayList<RecurringInfo> recurring() {
        ArrayList<RecurringInfo> out = new ArrayList<>();
        for (Recurring r : schedules.list()) {
            String schedule;
            try {
                schedule = JobCodec.decode(r.envelope(), maxBytes).job().schedule();
            } catch (InvalidEnvelopeException e) {
                schedule = "?";
            }
            out.add(new RecurringInfo(r.name(), r.jobId(), r.replyTo(), schedule,
                    Instant.ofEpochMilli(r.nextRunMillis()), r.lastRun()));
        }
        return out;
    }

    /** A request broadcast by a client: checked like any envelope, then applied. */
    void broadcast(byte[] body) {
        SignedJob job;
        try {
            job = JobCodec.decode(body, maxBytes);
            signatures.check(job);
        } catch (InvalidEnvelopeException | SignatureVerificationException e) {
            stats.rejected.incrementAndGet();
            LOG.warn("ignored a broadcast control message: {}", e.getMessage());
            return;
        }
        JobEnvelope env = job.job();
        String target = env.options().getOrDefault(Control.TARGET, "");
        if (Control.CANCEL_JOB.equals(env.options().get(Control.OPTION))) {
            cancellations.cancel(target);
        } else if (Control.CANCEL_RECURRING.equals(env.options().get(Control.OPTION))) {
            try {
                schedules.remove(target);
            } catch (RuntimeException e) {
                LOG.warn("could not apply a broadcast cancel: {}", e.toString());
            }
        }
    }
}
