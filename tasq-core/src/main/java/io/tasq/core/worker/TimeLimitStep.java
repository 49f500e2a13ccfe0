package io.tasq.core.worker;

import io.tasq.JobTimeoutException;
import io.tasq.core.internal.metrics.WorkerMetrics;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job through the {@link Execution}, under its time limit, and passes on how it ended. At
 * the limit a watchdog interrupts it, and the run ends as timed out. A job that ignores the interrupt
 * for the grace period after is abandoned: the watchdog reports it as timed out and passes it on from
 * its own thread, and its actor is replaced (the job's late result is then dropped). The job is
 * registered as running meanwhile, so that a cancel can interrupt it.
 *
 * @param grace how long a job may ignore its interrupt before it is abandoned
 * @param abandon gives the slot of the actor on this thread to a fresh actor
 */
record TimeLimitStep(String workerId, Execution execution, ScheduledExecutorService timer, Duration grace,
        Consumer<Thread> abandon, Cancellations cancellations, Clock clock, WorkerMetrics metrics,
        Counters stats) implements JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(TimeLimitStep.class);

    @Override
    public void apply(JobInFlight job, Rest rest) {
        Execution.Ran ran = run(job, rest);
        if (ran != null) {
            ended(job, ran, rest);
        }
    }

    private void ended(JobInFlight job, Execution.Ran ran, Rest rest) {
        if (ran.refusal() == null) {
            metrics.ran(ran.result().execNanos());
        }
        job.ran(ran);
        rest.proceed(job);
    }

    /** Runs the job; {@code null} if the watchdog abandoned it and passed it on already. */
    private Execution.Ran run(JobInFlight job, Rest rest) {
        JobEnvelope env = job.env();
        Thread thread = Thread.currentThread();
        AtomicBoolean settled = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> interrupt = null;
        ScheduledFuture<?> giveUp = null;
        long limit = job.policy().timeout() == null ? 0 : job.policy().timeout().toMillis();
        cancellations.started(env.jobId(), thread);
        if (limit > 0) {
            interrupt = timer.schedule(() -> {
                if (!settled.get()) {
                    timedOut.set(true);
                    execution.interrupt(thread);
                }
            }, limit, TimeUnit.MILLISECONDS);
            giveUp = timer.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    LOG.warn("job {} ({}) ignored its interrupt past its {} ms limit; its actor is replaced",
                            env.name(), env.jobId(), limit);
                    cancellations.ended(env.jobId(), thread);
                    abandon.accept(thread);
                    ended(job, timedOut(job, limit), rest);
                }
            }, limit + grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            Execution.Ran ran = execution.run(job.job(), job.attempt(), job.run());
            if (!settled.compareAndSet(false, true)) {
                return null; // the watchdog reported it already; this late result is dropped
            }
            if (timedOut.get() && ran.refusal() == null) {
                return timedOut(job, limit);
            }
            return ran;
        } finally {
            cancellations.ended(env.jobId(), thread);
            if (interrupt != null) {
                interrupt.cancel(false);
                giveUp.cancel(false);
            }
            Thread.interrupted(); // an interrupt meant for this job never reaches the next one
        }
    }

    private Execution.Ran timedOut(JobInFlight job, long limit) {
        stats.timedOut.incrementAndGet();
        JobEnvelope env = job.env();
        byte[] why = RemoteErrors.encode(JobTimeoutException.class.getName(), "job '" + env.name()
                + "' ran over its time limit of " + Duration.ofMillis(limit) + " on worker " + workerId);
        return new Execution.Ran(ResultEnvelope.timedOut(ResultEnvelope.Origin.of(env, workerId, job.attempt(),
                job.run()), clock.millis(), limit * 1_000_000L, why), null, true);
    }
}
