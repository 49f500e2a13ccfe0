package io.tasq;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a repeating job produced: its value, or the failure it ended with.
 *
 * @param jobId the repeating job's id
 * @param name its name
 * @param run which run, from 1
 * @param value the value the run returned; {@code null} when it failed (or returned null)
 * @param failure how the run failed, or {@code null} when it succeeded
 * @param execTime how long the run took on its worker
 * @param workerId the worker that ran it
 * @param finishedAt when it ended, by the worker's clock
 * @param <R> the type of the value
 */
public record RunResult<R>(String jobId, String name, long run, R value, TasqException failure, Duration execTime,
        String workerId, Instant finishedAt) {

    /** Checks the required fields. */
    public RunResult {
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(execTime, "execTime == null");
        Objects.requireNonNull(workerId, "workerId == null");
        Objects.requireNonNull(finishedAt, "finishedAt == null");
    }

    /** Whether the run returned normally. */
    public boolean succeeded() {
        return failure == null;
    }

    /** The failure, when the run failed. */
    public Optional<TasqException> error() {
        return Optional.ofNullable(failure);
    }
}
