package io.tasq;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a worker reported for one run of a job: the value and where and how it ran.
 *
 * @param jobId the job's id
 * @param name the job's name (its id when none was given)
 * @param value the value the job returned, may be {@code null}
 * @param execTime how long the job ran on its worker
 * @param attempt which attempt produced this result, starting at 1
 * @param run for a repeating job, which run produced it, starting at 1; 1 for other jobs
 * @param workerId the id of the worker that ran it
 * @param finishedAt when the worker finished it, by the worker's clock
 * @param <R> the type of the value
 */
public record JobResult<R>(String jobId, String name, R value, Duration execTime, int attempt, long run,
        String workerId, Instant finishedAt) {

    /** Checks that every field but {@code value} is present. */
    public JobResult {
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(execTime, "execTime == null");
        Objects.requireNonNull(workerId, "workerId == null");
        Objects.requireNonNull(finishedAt, "finishedAt == null");
    }
}
