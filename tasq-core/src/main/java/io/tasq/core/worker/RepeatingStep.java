package io.tasq.core.worker;

import io.tasq.InvalidScheduleException;
import io.tasq.core.internal.schedule.Schedule;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the first arrival of a repeating job aside: the schedule store takes it over and fires its
 * runs, which come back as deliveries with a run number and pass this step. A schedule that does not
 * parse is refused; a store that cannot take it now has the registration handed back.
 */
record RepeatingStep(String workerId, Clock clock, ScheduleStore schedules, Admission admission,
        ReplyPath replies) implements JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(RepeatingStep.class);

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (!job.fresh() || !job.env().repeating() || job.item().run() != 0) {
            rest.proceed(job);
            return;
        }
        JobEnvelope env = job.env();
        Schedule schedule;
        try {
            schedule = Schedule.parse(env.schedule());
        } catch (InvalidScheduleException e) {
            replies.reject(ResultEnvelope.Origin.of(env, workerId, job.attempt(), job.run()), clock.millis(), e,
                    job.outcome());
            return;
        }
        long first = env.notBeforeMillis() > 0 ? env.notBeforeMillis()
                : schedule.nextAfter(Instant.ofEpochMilli(env.createdAtMillis())).toEpochMilli();
        try {
            schedules.add(new Recurring(env.name(), env.jobId(), env.replyTo(), job.job().encoded(), first, 0));
        } catch (RuntimeException e) {
            LOG.warn("could not register repeating job {} ({}), handing it back: {}", env.name(), env.jobId(),
                    e.toString());
            admission.handedBack(env);
            job.item().delivery().release();
            return;
        }
        job.item().delivery().ack();
        LOG.info("repeating job {} ({}) from client {} registered: {}, first run at {}", env.name(), env.jobId(),
                env.replyTo(), schedule.canonical(), Instant.ofEpochMilli(first));
    }
}
