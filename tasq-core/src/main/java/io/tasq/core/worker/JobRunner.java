package io.tasq.core.worker;

import io.tasq.core.internal.wire.InvalidEnvelopeException;
import io.tasq.InvalidScheduleException;
import io.tasq.JobTimeoutException;
import io.tasq.SignatureVerificationException;
import io.tasq.TasqException;
import io.tasq.core.internal.metrics.WorkerMetrics;
import io.tasq.core.internal.schedule.Schedule;
import io.tasq.core.internal.wire.Control;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.JobPolicy;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.core.security.SignatureCheck;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.Recurring;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.Serializer;
import io.tasq.spi.UniqueLocks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job actor does with a {@link WorkItem}: check the envelope (format, then signature, before
 * anything is deserialized); take control requests, repeating jobs and early jobs aside; run the
 * rest through the {@link Execution}, under its time limit; then reply, retry with backoff, or send
 * it to the dead letters. A message that fails verification, or a verified job signed for another
 * queue or expired, is dead-lettered and answered to no one (the address in it could be anyone's); a
 * copy of a job already taken is dropped. Called by many actors at once.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final long CANCEL_MEMORY_MILLIS = Duration.ofHours(1).toMillis();

    /** What the runner needs from its worker. */
    record Context(String workerId, SignatureCheck signatures, Execution execution, Clock clock, int maxBytes,
            WorkerStats stats, Consumer<Reply> replies, HeldJobs held, JobConsumer consumer,
            ScheduleStore schedules, UniqueLocks uniqueLocks, Serializer serializer, int maxCrashes,
            Duration timeoutGrace, Consumer<Thread> abandon, ScheduledExecutorService timer, WorkerMetrics metrics,
            Admission admission) {
    }

    private final Context cx;
    /** Jobs a client cancelled, by id, with when to forget them. */
    private final Map<String, Long> cancelled = new ConcurrentHashMap<>();
    /** Jobs running now, by id: the thread running each. */
    private final Map<String, Thread> running = new ConcurrentHashMap<>();

    JobRunner(Context context) {
        this.cx = context;
    }

    void handle(WorkItem item) {
        try {
            handleChecked(item);
        } catch (RuntimeException | Error e) {
            // a bug here must not leave the delivery unsettled (a lost slot, a client waiting forever)
            LOG.error("worker {} failed on a job; refusing it", cx.workerId(), e);
            if (item.delivery() != null) {
                Outcome.of(item.delivery(), cx.consumer(), cx.held()).refuseUnverified("internal error: " + e);
            }
        }
    }

    private void handleChecked(WorkItem item) {
        if (item.verified() != null) {
            runChecked(item.verified(), item.attempt(), item.run(),
                    Outcome.held(cx.consumer(), cx.held(), item.verified(), item.attempt()));
            return;
        }
        Outcome outcome = Outcome.of(item.delivery(), cx.consumer(), cx.held());
        SignedJob job = checked(item, outcome);
        if (job == null) {
            return;
        }
        JobEnvelope env = job.job();
        if (item.run() > 0 && !env.repeating()) {
            // a run number is the backend's, unsigned: on a job that does not repeat it is forged, and
            // must not skip the checks (expiry, copies) and the signed delay that only runs skip
            item = new WorkItem(item.delivery(), null, item.attempt(), 0);
        }
        if (!admitted(job, item, outcome)) {
            return;
        }
        if (Control.is(env)) {
            control(job, item, outcome);
            return;
        }
        if (isCancelled(env.jobId())) {
            reply(env, ResultStatus.CANCELLED, item.attempt(), Math.max(1, item.run()), 0,
                    RemoteErrors.encode("io.tasq.JobCancelledException", "cancelled by its client before it started"),
                    outcome, null);
            cx.stats().cancelled.incrementAndGet();
            return;
        }
        JobPolicy policy = JobPolicy.of(env);
        if (item.attempt() > 1 + policy.retries() + cx.maxCrashes()) {
            cx.stats().deadLettered.incrementAndGet();
            cx.admission().deadLettered(env);
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome, new TasqException("job '" + env.name()
                    + "' was delivered " + item.attempt() + " times: it stopped or stalled its worker each time "
                    + "(a poison job); it went to the dead letters"));
            return;
        }
        if (env.repeating() && item.run() == 0) {
            register(job, item, outcome);
            return;
        }
        if (item.run() == 0 && env.notBeforeMillis() > cx.clock().millis()) {
            // early, by its signed time: the backend holds it if it can, else the worker's timer does
            cx.stats().delayed.incrementAndGet();
            if (item.delivery().defer(env.notBeforeMillis())) {
                cx.admission().handedBack(env);
            } else {
                item.delivery().ack();
                cx.held().hold(job, item.attempt(), env.notBeforeMillis());
            }
            return;
        }
        runChecked(job, item.attempt(), Math.max(1, item.run()), outcome);
    }

    private void runChecked(SignedJob job, int attempt, long run, Outcome outcome) {
        JobEnvelope env = job.job();
        if (isCancelled(env.jobId())) {
            cx.stats().cancelled.incrementAndGet();
            reply(env, ResultStatus.CANCELLED, attempt, run, 0, RemoteErrors.encode("io.tasq.JobCancelledException",
                    "cancelled by its client before it started"), outcome, null);
            return;
        }
        JobPolicy policy = JobPolicy.of(env);
        if (policy.uniqueKey() != null && !acquireUnique(env, policy, outcome)) {
            return; // it follows the job that holds its key, and gets that one's result
        }
        Execution.Ran ran = execute(job, attempt, run, outcome, policy);
        if (ran != null) {
            finish(job, attempt, run, outcome, policy, ran);
        }
    }

    /** Runs the job under its time limit; {@code null} if the watchdog already settled it. */
    private Execution.Ran execute(SignedJob job, int attempt, long run, Outcome outcome, JobPolicy policy) {
        JobEnvelope env = job.job();
        Thread thread = Thread.currentThread();
        AtomicBoolean settled = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> interrupt = null;
        ScheduledFuture<?> abandon = null;
        long limit = policy.timeout() == null ? 0 : policy.timeout().toMillis();
        running.put(env.jobId(), thread);
        if (limit > 0) {
            interrupt = cx.timer().schedule(() -> {
                if (!settled.get()) {
                    timedOut.set(true);
                    cx.execution().interrupt(thread);
                }
            }, limit, TimeUnit.MILLISECONDS);
            abandon = cx.timer().schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    // it ignores the interrupt: report it, and give its slot to a fresh actor
                    LOG.warn("job {} ({}) ignored its interrupt past its {} ms limit; its actor is replaced",
                            env.name(), env.jobId(), limit);
                    running.remove(env.jobId(), thread);
                    cx.abandon().accept(thread);
                    finish(job, attempt, run, outcome, policy, timedOut(env, attempt, run, limit));
                }
            }, limit + cx.timeoutGrace().toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            Execution.Ran ran = cx.execution().run(job, attempt, run);
            if (!settled.compareAndSet(false, true)) {
                return null; // the watchdog reported it already; this late result is dropped
            }
            if (timedOut.get() && ran.refusal() == null) {
                return timedOut(env, attempt, run, limit);
            }
            return ran;
        } finally {
            running.remove(env.jobId(), thread);
            if (interrupt != null) {
                interrupt.cancel(false);
                abandon.cancel(false);
            }
            Thread.interrupted(); // an interrupt meant for this job never reaches the next one
        }
    }

    private Execution.Ran timedOut(JobEnvelope env, int attempt, long run, long limit) {
        cx.stats().timedOut.incrementAndGet();
        byte[] why = RemoteErrors.encode(JobTimeoutException.class.getName(), "job '" + env.name()
                + "' ran over its time limit of " + Duration.ofMillis(limit) + " on worker " + cx.workerId());
        return new Execution.Ran(new ResultEnvelope(env.jobId(), env.name(), env.replyTo(), cx.workerId(),
                ResultStatus.TIMEOUT, attempt, run, cx.clock().millis(), limit * 1_000_000L, "", why), null, true);
    }

    /** After a run: reply, retry with backoff, or (retries exhausted) reply and dead-letter. */
    private void finish(SignedJob job, int attempt, long run, Outcome outcome, JobPolicy policy, Execution.Ran ran) {
        JobEnvelope env = job.job();
        ResultEnvelope result = ran.result();
        if (ran.refusal() == null) {
            cx.metrics().ran(result.execNanos());
        }
        if (ran.refusal() != null) {
            cx.replies().accept(new Reply(result, outcome, ran.refusal()));
            releaseUnique(env, policy, result);
            return;
        }
        boolean failed = result.status() == ResultStatus.FAILED || result.status() == ResultStatus.TIMEOUT;
        if (failed && isCancelled(env.jobId())) {
            cx.stats().cancelled.incrementAndGet();
            reply(env, ResultStatus.CANCELLED, attempt, run, result.execNanos(), RemoteErrors.encode(
                    "io.tasq.JobCancelledException", "cancelled by its client while it ran"), outcome, null);
            releaseUnique(env, policy, result);
            return;
        }
        if (failed && ran.retryable() && attempt <= policy.retries()) {
            long wait = policy.backoffMillis(attempt);
            ResultEnvelope notice = new ResultEnvelope(env.jobId(), env.name(), env.replyTo(), cx.workerId(),
                    ResultStatus.RETRYING, attempt, run, result.finishedAtMillis(), result.execNanos(), "",
                    result.payload());
            cx.consumer().publish(new ResultMessage(env.replyTo(), env.jobId(), ResultCodec.encode(notice)));
            cx.stats().retried.incrementAndGet();
            LOG.info("job {} ({}) attempt {} failed; retry {} of {} in {} ms", env.name(), env.jobId(), attempt,
                    attempt, policy.retries(), wait);
            if (outcome.retry(cx.clock().millis() + wait, job, attempt + 1, run)) {
                cx.admission().handedBack(env);
            }
            return;
        }
        if (failed && policy.retries() > 0) {
            cx.stats().deadLettered.incrementAndGet();
            cx.admission().deadLettered(env);
            cx.replies().accept(new Reply(result, outcome, "failed after " + attempt + " attempt"
                    + (attempt == 1 ? "" : "s") + (ran.retryable() ? "" : " (the job said not to retry)")));
        } else {
            cx.replies().accept(new Reply(result, outcome, null));
        }
        releaseUnique(env, policy, result);
    }

    /** Takes the job's unique key, or has it follow the job holding the key; false if it follows. */
    private boolean acquireUnique(JobEnvelope env, JobPolicy policy, Outcome outcome) {
        long ttl = policy.uniqueTtl() == null ? Duration.ofHours(1).toMillis() : policy.uniqueTtl().toMillis();
        for (int tries = 0; tries < 5; tries++) {
            Optional<String> holder = cx.uniqueLocks().acquire(policy.uniqueKey(), env.jobId(), ttl);
            if (holder.isEmpty()) {
                return true;
            }
            if (cx.uniqueLocks().follow(policy.uniqueKey(), holder.get(),
                    new io.tasq.spi.UniqueLocks.Follower(env.jobId(), env.name(), env.replyTo()))) {
                LOG.debug("job {} ({}) follows {}, which holds unique key {}", env.name(), env.jobId(), holder.get(),
                        policy.uniqueKey());
                outcome.ack();
                return false;
            }
        }
        return true; // the key keeps changing hands: run it rather than lose it
    }

    private void releaseUnique(JobEnvelope env, JobPolicy policy, ResultEnvelope result) {
        if (policy.uniqueKey() == null) {
            return;
        }
        for (io.tasq.spi.UniqueLocks.Follower f : cx.uniqueLocks().release(policy.uniqueKey(), env.jobId())) {
            ResultEnvelope copy = new ResultEnvelope(f.jobId(), f.name(), f.replyTo(), result.workerId(),
                    result.status(), result.attempt(), result.run(), result.finishedAtMillis(), result.execNanos(),
                    result.serializer(), result.payload());
            cx.consumer().publish(new ResultMessage(f.replyTo(), f.jobId(), ResultCodec.encode(copy)));
        }
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
        try {
            cx.schedules().add(new Recurring(env.name(), env.jobId(), env.replyTo(), job.encoded(), first, 0));
        } catch (RuntimeException e) {
            // the store cannot take it now: hand the registration back, to be delivered again
            LOG.warn("could not register repeating job {} ({}), handing it back: {}", env.name(), env.jobId(),
                    e.toString());
            cx.admission().handedBack(env);
            item.delivery().release();
            return;
        }
        item.delivery().ack();
        LOG.info("repeating job {} ({}) from client {} registered: {}, first run at {}", env.name(), env.jobId(),
                env.replyTo(), schedule.canonical(), Instant.ofEpochMilli(first));
    }

    /** A signed request from a client that came like a job, answered with a result. */
    private void control(SignedJob job, WorkItem item, Outcome outcome) {
        JobEnvelope env = job.job();
        String request = env.options().get(Control.OPTION);
        String target = env.options().getOrDefault(Control.TARGET, "");
        Object answer;
        if (Control.CANCEL_RECURRING.equals(request)) {
            boolean removed;
            try {
                removed = cx.schedules().remove(target);
            } catch (RuntimeException e) {
                LOG.warn("could not cancel repeating job {}, handing the request back: {}", target, e.toString());
                cx.admission().handedBack(env);
                item.delivery().release();
                return;
            }
            LOG.info("client {} cancelled repeating job {}: {}", env.replyTo(), target, removed ? "stopped" : "not found");
            answer = removed;
        } else if (Control.CANCEL_JOB.equals(request)) {
            answer = cancel(target);
        } else if (Control.LIST_RECURRING.equals(request)) {
            answer = recurring();
        } else {
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome,
                    new TasqException("unknown control request '" + request + "'; upgrade the worker"));
            return;
        }
        reply(env, ResultStatus.OK, item.attempt(), 1, 0, cx.serializer().serialize(answer), outcome,
                cx.serializer().name());
    }

    /** The repeating jobs of the store, as a client sees them. */
    private java.util.ArrayList<io.tasq.RecurringInfo> recurring() {
        java.util.ArrayList<io.tasq.RecurringInfo> out = new java.util.ArrayList<>();
        for (Recurring r : cx.schedules().list()) {
            String schedule;
            try {
                schedule = JobCodec.decode(r.envelope(), cx.maxBytes()).job().schedule();
            } catch (InvalidEnvelopeException e) {
                schedule = "?";
            }
            out.add(new io.tasq.RecurringInfo(r.name(), r.jobId(), r.replyTo(), schedule,
                    Instant.ofEpochMilli(r.nextRunMillis()), r.lastRun()));
        }
        return out;
    }

    /** A control message broadcast by a client: checked like any envelope, then applied. */
    void broadcast(byte[] body) {
        SignedJob job;
        try {
            job = JobCodec.decode(body, cx.maxBytes());
            cx.signatures().check(job);
        } catch (InvalidEnvelopeException | SignatureVerificationException e) {
            cx.stats().rejected.incrementAndGet();
            LOG.warn("ignored a broadcast control message: {}", e.getMessage());
            return;
        }
        JobEnvelope env = job.job();
        if (Control.CANCEL_JOB.equals(env.options().get(Control.OPTION))) {
            cancel(env.options().getOrDefault(Control.TARGET, ""));
        } else if (Control.CANCEL_RECURRING.equals(env.options().get(Control.OPTION))) {
            try {
                cx.schedules().remove(env.options().getOrDefault(Control.TARGET, ""));
            } catch (RuntimeException e) {
                LOG.warn("could not apply a broadcast cancel: {}", e.toString());
            }
        }
    }

    /** Remembers the job as cancelled, drops it if held, interrupts it if running here. */
    private boolean cancel(String jobId) {
        long now = cx.clock().millis();
        cancelled.put(jobId, now + CANCEL_MEMORY_MILLIS);
        if (cancelled.size() > 10_000) {
            cancelled.values().removeIf(until -> until < now);
        }
        boolean found = false;
        for (HeldJobs.Held h : cx.held().cancel(jobId)) {
            JobEnvelope env = h.job().job();
            cx.stats().cancelled.incrementAndGet();
            reply(env, ResultStatus.CANCELLED, h.attempt(), h.run(), 0, RemoteErrors.encode(
                    "io.tasq.JobCancelledException", "cancelled by its client while it waited"),
                    Outcome.held(cx.consumer(), cx.held(), h.job(), h.attempt()), null);
            found = true;
        }
        Thread thread = running.get(jobId);
        if (thread != null) {
            cx.execution().interrupt(thread);
            found = true;
        }
        if (found) {
            LOG.info("job {} cancelled by its client", jobId);
        }
        return found;
    }

    private boolean isCancelled(String jobId) {
        Long until = cancelled.get(jobId);
        return until != null && until >= cx.clock().millis();
    }

    private void reply(JobEnvelope env, ResultStatus status, int attempt, long run, long execNanos, byte[] payload,
            Outcome outcome, String serializerName) {
        ResultEnvelope result = new ResultEnvelope(env.jobId(), env.name(), env.replyTo(), cx.workerId(), status,
                attempt, run, cx.clock().millis(), execNanos, serializerName == null ? "" : serializerName, payload);
        cx.replies().accept(new Reply(result, outcome, null));
    }

    /** The envelope if it is well formed and well signed; otherwise it is reported, counted and refused. */
    private SignedJob checked(WorkItem item, Outcome outcome) {
        byte[] body = item.delivery().body();
        SignedJob job;
        try {
            job = JobCodec.decode(body, cx.maxBytes());
        } catch (InvalidEnvelopeException e) {
            refuseUnverified(outcome, e.getMessage());
            return null;
        }
        try {
            cx.signatures().check(job);
        } catch (SignatureVerificationException e) {
            refuseUnverified(outcome, e.getMessage());
            return null;
        }
        if (!cx.execution().bundleMatches(job)) {
            refuseUnverified(outcome, "job '" + job.job().name() + "' (" + job.job().jobId() + "): its code bundle does "
                    + "not match its signed hash: it was altered after signing, or corrupted in transit");
            return null;
        }
        return job;
    }

    /**
     * Whether a verified job may go on: signed for this queue, not expired, and the first copy taken.
     * Otherwise it is settled here: refused to the dead letters without a reply (a copy sent to the
     * wrong queue or too late must not fail the real job's future), dropped as a copy, or handed back.
     */
    private boolean admitted(SignedJob job, WorkItem item, Outcome outcome) {
        Admission.Result a = cx.admission().check(job, item.run(), item.delivery().id());
        switch (a.verdict()) {
            case ADMITTED:
                return true;
            case REFUSED:
                cx.stats().rejected.incrementAndGet();
                cx.stats().deadLettered.incrementAndGet();
                LOG.warn("worker {}: {} (dead-lettered, no reply sent)", cx.workerId(), a.reason());
                outcome.refuse(null, a.reason());
                return false;
            case DUPLICATE:
                cx.stats().duplicates.incrementAndGet();
                outcome.ack();
                return false;
            default:
                item.delivery().release();
                return false;
        }
    }

    /**
     * Refuses a message that did not pass the checks: counted, logged, dead-lettered truncated, and
     * answered to nobody (its reply address is as unverified as the rest of it, so a reply would let
     * anyone fail another client's job by naming it).
     */
    private void refuseUnverified(Outcome outcome, String why) {
        cx.stats().rejected.incrementAndGet();
        LOG.warn("worker {} refused a message that failed verification (dead-lettered, no reply sent): {}",
                cx.workerId(), why);
        outcome.refuseUnverified(why);
    }

    private void refuse(String jobId, String name, String replyTo, WorkItem item, Outcome outcome, TasqException why) {
        cx.stats().rejected.incrementAndGet();
        LOG.warn("rejected job {} ({}) from client {}: {}", name, jobId, replyTo, why.getMessage());
        Execution.Ran ran = LocalExecution.refusal(cx.workerId(), jobId, name, replyTo, item.attempt(),
                Math.max(1, item.run()), cx.clock().millis(), why);
        cx.replies().accept(new Reply(ran.result(), outcome, ran.refusal()));
    }
}
