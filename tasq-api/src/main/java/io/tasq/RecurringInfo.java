package io.tasq;

import java.time.Instant;
import java.util.Objects;

/**
 * A repeating job as its queue keeps it, whoever submitted it ({@link TasqClient#listRecurring()}).
 *
 * @param name its name, the key per queue
 * @param jobId the id of the job that made it
 * @param replyTo the client its runs' results go to
 * @param schedule its interval or cron expression
 * @param nextRun when its next run is due
 * @param runs how many runs were fired so far
 */
public record RecurringInfo(String name, String jobId, String replyTo, String schedule, Instant nextRun, long runs) {

    /** Checks that every field is present. */
    public RecurringInfo {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(replyTo, "replyTo == null");
        Objects.requireNonNull(schedule, "schedule == null");
        Objects.requireNonNull(nextRun, "nextRun == null");
    }
}
