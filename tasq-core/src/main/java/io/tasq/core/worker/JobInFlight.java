package io.tasq.core.worker;

import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.JobPolicy;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.internal.wire.SignedJob;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One job on its way through the {@link JobPipeline}: the work item it came as, how to settle it,
 * and what the steps learned so far (its checked envelope, how its run ended). Handed from step to
 * step on one thread at a time (the actor's, or the watchdog's once it abandoned the actor).
 */
final class JobInFlight {

    private WorkItem item;
    private final Outcome outcome;
    private SignedJob job;
    private JobPolicy policy;
    private Execution.Ran ran;
    private final List<Consumer<ResultEnvelope>> whenFinal = new CopyOnWriteArrayList<>();

    /**
     * @param outcome how this job is settled: through its delivery, or (held) through the consumer
     */
    JobInFlight(WorkItem item, Outcome outcome) {
        this.item = item;
        this.outcome = outcome;
        this.job = item.verified();
    }

    /** A fresh delivery (every check ahead), not a job the worker checked and held before. */
    boolean fresh() {
        return item.verified() == null;
    }

    WorkItem item() {
        return item;
    }

    /** Replaces the work item (a forged run number is dropped). */
    void item(WorkItem replacement) {
        this.item = replacement;
    }

    Outcome outcome() {
        return outcome;
    }

    /** The checked envelope; {@code null} before the check step passed it. */
    SignedJob job() {
        return job;
    }

    void job(SignedJob checked) {
        this.job = checked;
        this.policy = null;
    }

    JobEnvelope env() {
        return job.job();
    }

    /** The job's retry, time limit and unique key options. */
    JobPolicy policy() {
        if (policy == null) {
            policy = JobPolicy.of(job.job());
        }
        return policy;
    }

    int attempt() {
        return item.attempt();
    }

    /** The run number its result carries: from 1 for a delivery, the held run for a held job. */
    long run() {
        return fresh() ? Math.max(1, item.run()) : item.run();
    }

    /** How its run ended; {@code null} before it ran. */
    Execution.Ran ran() {
        return ran;
    }

    /** Whether it ran and failed or ran out of time (not refused, not cancelled). */
    boolean failed() {
        if (ran == null || ran.refusal() != null) {
            return false;
        }
        ResultStatus status = ran.result().status();
        return status == ResultStatus.FAILED || status == ResultStatus.TIMEOUT;
    }

    void ran(Execution.Ran how) {
        this.ran = how;
    }

    /** Calls {@code action} with the job's final result once it is sent (not a retry notice). */
    void whenFinal(Consumer<ResultEnvelope> action) {
        whenFinal.add(action);
    }

    /** Runs the final actions: the job's final result was sent. */
    void finished(ResultEnvelope result) {
        whenFinal.forEach(a -> a.accept(result));
    }
}
