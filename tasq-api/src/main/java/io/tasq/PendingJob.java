package io.tasq;

import java.time.Instant;
import java.util.Objects;

/**
 * A job its client has submitted and has no result for yet.
 *
 * @param jobId the job's id
 * @param name the job's name (its id when none was given)
 * @param submittedAt when the client accepted it
 * @param sent whether the backend has accepted it; {@code false} while the client holds it (not
 *     connected yet, or the backend unreachable)
 */
public record PendingJob(String jobId, String name, Instant submittedAt, boolean sent) {

    /** Checks that every field is present. */
    public PendingJob {
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(submittedAt, "submittedAt == null");
    }
}
