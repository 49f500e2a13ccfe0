package io.tasq.core.internal.wire;

import java.util.Objects;

/**
 * What a worker sends back for one run of a job.
 *
 * @param jobId the job's id
 * @param name the job's name
 * @param replyTo the client it goes to
 * @param workerId the worker that ran (or refused) it
 * @param status how the run ended
 * @param attempt which attempt this was, from 1
 * @param run which run of a repeating job this was, from 1
 * @param finishedAtMillis when the run ended, epoch milliseconds by the worker's clock
 * @param execNanos how long the job ran, 0 if it did not
 * @param serializer the serializer of an {@link ResultStatus#OK} payload
 * @param payload the serialized value, or the encoded {@link RemoteErrors remote error}
 */
public record ResultEnvelope(String jobId, String name, String replyTo, String workerId, ResultStatus status,
        int attempt, long run, long finishedAtMillis, long execNanos, String serializer, byte[] payload) {

    /** Checks that every field is present. */
    public ResultEnvelope {
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(replyTo, "replyTo == null");
        Objects.requireNonNull(workerId, "workerId == null");
        Objects.requireNonNull(status, "status == null");
        Objects.requireNonNull(serializer, "serializer == null");
        Objects.requireNonNull(payload, "payload == null");
    }
}
