package io.tasq.core.worker;

import io.tasq.InvalidEnvelopeException;
import io.tasq.InvalidScheduleException;
import io.tasq.SignatureVerificationException;
import io.tasq.TasqException;
import io.tasq.core.schedule.Schedule;
import io.tasq.core.security.SignatureCheck;
import io.tasq.core.wire.Control;
import io.tasq.core.wire.JobCodec;
import io.tasq.core.wire.JobEnvelope;
import io.tasq.core.wire.ResultEnvelope;
import io.tasq.core.wire.ResultStatus;
import io.tasq.core.wire.SignedJob;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.Serializer;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job actor does with a {@link WorkItem}: check the envelope (format, then signature, before
 * anything is deserialized), hold it in the timer if it is early, else run it through the
 * {@link Execution} (on this thread, or in a child JVM) and hand the result to the response actor.
 * A job refused at any step is reported to its sender where the address can be read, and
 * dead-lettered. Called by many actors at once; holds no state of its own.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    /** What the runner needs from its worker. */
    record Context(String workerId, SignatureCheck signatures, Execution execution, Clock clock, int maxBytes,
            boolean brokerDelays, WorkerStats stats, Consumer<Reply> replies, HeldJobs held, JobConsumer consumer,
            ScheduleStore schedules, Serializer serializer) {
    }

    private final Context cx;

    JobRunner(Context context) {
        this.cx = context;
    }

    void handle(WorkItem item) {
        if (item.verified() != null) {
            run(item.verified(), item.attempt(), item.run(), Outcome.held(cx.consumer()));
            return;
        }
        Outcome outcome = Outcome.of(item.delivery(), cx.consumer());
        SignedJob job = checked(item, outcome);
        if (job == null) {
            return;
        }
        JobEnvelope env = job.job();
        if (Control.is(env)) {
            control(job, item, outcome);
            return;
        }
        if (env.repeating() && item.run() == 0) {
            register(job, item, outcome);
            return;
        }
        if (item.run() == 0 && env.notBeforeMillis() > cx.clock().millis() && !cx.brokerDelays()) {
            // the transport does not hold delayed jobs: take it over and wait in the timer, not here
            item.delivery().ack();
            cx.stats().delayed.incrementAndGet();
            cx.held().hold(job, item.attempt(), env.notBeforeMillis());
            return;
        }
        run(job, item.attempt(), Math.max(1, item.run()), outcome);
    }

    /** The first arrival of a repeating job: the schedule store takes it over and fires its runs. */
    private void register(SignedJob job, WorkItem item, Outcome outcome) {
        JobEnvelope env = job.job();
        Schedule schedule;
        try {
            schedule = Schedule.parse(env.schedule());
        } catch (InvalidScheduleException e) {
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome, e);
            return;
        }
        long first = env.notBeforeMillis() > 0 ? env.notBeforeMillis()
                : schedule.nextAfter(Instant.ofEpochMilli(env.createdAtMillis())).toEpochMilli();
        cx.schedules().add(new Recurring(env.name(), env.jobId(), env.replyTo(), job.encoded(), first, 0));
        item.delivery().ack();
        LOG.info("repeating job {} ({}) from client {} registered: {}, first run at {}", env.name(), env.jobId(),
                env.replyTo(), schedule.canonical(), Instant.ofEpochMilli(first));
    }

    /** A signed request from a client, answered with a result. */
    private void control(SignedJob job, WorkItem item, Outcome outcome) {
        JobEnvelope env = job.job();
        String request = env.options().get(Control.OPTION);
        if (!Control.CANCEL_RECURRING.equals(request)) {
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome,
                    new TasqException("unknown control request '" + request + "'; upgrade the worker"));
            return;
        }
        String target = env.options().getOrDefault(Control.TARGET, "");
        boolean removed = cx.schedules().remove(target);
        LOG.info("client {} cancelled repeating job {}: {}", env.replyTo(), target, removed ? "stopped" : "not found");
        ResultEnvelope result = new ResultEnvelope(env.jobId(), env.name(), env.replyTo(), cx.workerId(),
                ResultStatus.OK, item.attempt(), 1, cx.clock().millis(), 0, cx.serializer().name(),
                cx.serializer().serialize(removed));
        cx.replies().accept(new Reply(result, outcome, null));
    }

    private void run(SignedJob job, int attempt, long run, Outcome outcome) {
        Execution.Ran ran = cx.execution().run(job, attempt, run);
        cx.replies().accept(new Reply(ran.result(), outcome, ran.refusal()));
    }

    /** The envelope if it is well formed and well signed; otherwise it is reported, counted and refused. */
    private SignedJob checked(WorkItem item, Outcome outcome) {
        byte[] body = item.delivery().body();
        SignedJob job;
        try {
            job = JobCodec.decode(body, cx.maxBytes());
        } catch (InvalidEnvelopeException e) {
            JobCodec.Address a = JobCodec.peekAddress(body).orElse(null);
            if (a == null) {
                cx.stats().rejected.incrementAndGet();
                LOG.warn("rejected an envelope with no readable reply address: {}", e.getMessage());
                outcome.refuse(null, e.getMessage());
            } else {
                refuse(a.jobId(), a.name(), a.replyTo(), item, outcome, e);
            }
            return null;
        }
        try {
            cx.signatures().check(job);
        } catch (SignatureVerificationException e) {
            JobEnvelope env = job.job();
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome, e);
            return null;
        }
        return job;
    }

    private void refuse(String jobId, String name, String replyTo, WorkItem item, Outcome outcome, TasqException why) {
        cx.stats().rejected.incrementAndGet();
        LOG.warn("rejected job {} ({}) from client {}: {}", name, jobId, replyTo, why.getMessage());
        Execution.Ran ran = LocalExecution.refusal(cx.workerId(), jobId, name, replyTo, item.attempt(), item.run(),
                cx.clock().millis(), why);
        cx.replies().accept(new Reply(ran.result(), outcome, ran.refusal()));
    }
}
