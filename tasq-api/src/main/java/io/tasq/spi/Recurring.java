package io.tasq.spi;

import java.util.Objects;

/**
 * A repeating job as a {@link ScheduleStore} keeps it.
 *
 * @param name its key in the store: the job's name, unique per queue (a new repeating job with the
 *     name of a kept one replaces it)
 * @param jobId the id of the job that made it
 * @param replyTo the client its runs' results go to
 * @param envelope the signed job envelope, delivered again for every run
 * @param nextRunMillis when its next run is due, epoch milliseconds
 * @param lastRun how many runs were fired so far
 */
public record Recurring(String name, String jobId, String replyTo, byte[] envelope, long nextRunMillis, long lastRun) {

    /** Checks that every field is present. */
    public Recurring {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(replyTo, "replyTo == null");
        Objects.requireNonNull(envelope, "envelope == null");
    }
}
