package io.tasq.spi;

import java.util.Objects;

/**
 * A job in a queue's dead letters: refused (bad signature, undecodable), failed after its last
 * retry, or a poison job that stopped its workers too often.
 *
 * @param id the dead letter's id in the backend (not the job's)
 * @param jobId the job's id, when it could be read; empty otherwise
 * @param envelope the job envelope as it was delivered
 * @param reason why it is here
 * @param attempts how many times it was delivered
 * @param deadAtMillis when it became a dead letter, epoch milliseconds
 */
public record DeadLetter(String id, String jobId, byte[] envelope, String reason, int attempts, long deadAtMillis) {

    /** Checks that every field is present. */
    public DeadLetter {
        Objects.requireNonNull(id, "id == null");
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(envelope, "envelope == null");
        Objects.requireNonNull(reason, "reason == null");
    }
}
