package io.tasq.core.internal.wire;

import java.util.Objects;

/**
 * What a worker sends back for one run of a job. Built by the named factories ({@link #succeeded},
 * {@link #failed}, {@link #timedOut}, {@link #cancelled}, {@link #rejected}, and {@link #retrying()} or
 * {@link #forJob} from another result); the canonical constructor is for {@link ResultCodec}.
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

    /**
     * Which run of which job a result is about, and the worker that sends it: the fields every
     * result has, whatever its status.
     *
     * @param jobId the job's id
     * @param name the job's name
     * @param replyTo the client it goes to
     * @param workerId the worker that ran (or refused) it
     * @param attempt which attempt, from 1
     * @param run which run of a repeating job, from 1
     */
    public record Origin(String jobId, String name, String replyTo, String workerId, int attempt, long run) {

        /** The origin of attempt {@code attempt}, run {@code run}, of the job in {@code env}, on {@code workerId}. */
        public static Origin of(JobEnvelope env, String workerId, int attempt, long run) {
            return new Origin(env.jobId(), env.name(), env.replyTo(), workerId, attempt, run);
        }
    }

    /** The job returned {@code value}, serialized by {@code serializer} ("" for an empty value). */
    public static ResultEnvelope succeeded(Origin o, long finishedAtMillis, long execNanos, String serializer,
            byte[] value) {
        return of(o, ResultStatus.OK, finishedAtMillis, execNanos, serializer, value);
    }

    /** The job threw; {@code error} is the encoded {@link RemoteErrors remote error}. */
    public static ResultEnvelope failed(Origin o, long finishedAtMillis, long execNanos, byte[] error) {
        return of(o, ResultStatus.FAILED, finishedAtMillis, execNanos, "", error);
    }

    /** The job ran over its time limit. */
    public static ResultEnvelope timedOut(Origin o, long finishedAtMillis, long execNanos, byte[] error) {
        return of(o, ResultStatus.TIMEOUT, finishedAtMillis, execNanos, "", error);
    }

    /** The job was cancelled (by its client, or because its worker stopped), after running for {@code execNanos}. */
    public static ResultEnvelope cancelled(Origin o, long finishedAtMillis, long execNanos, byte[] error) {
        return of(o, ResultStatus.CANCELLED, finishedAtMillis, execNanos, "", error);
    }

    /** The worker refused the job without running it. */
    public static ResultEnvelope rejected(Origin o, long finishedAtMillis, byte[] error) {
        return of(o, ResultStatus.REJECTED, finishedAtMillis, 0, "", error);
    }

    /**
     * The notice that this failed attempt will be retried: this result's fields and payload, its
     * status {@link ResultStatus#RETRYING}, no serializer.
     */
    public ResultEnvelope retrying() {
        return new ResultEnvelope(jobId, name, replyTo, workerId, ResultStatus.RETRYING, attempt, run,
                finishedAtMillis, execNanos, "", payload);
    }

    /** This result, addressed to another job (one that followed this job's unique key). */
    public ResultEnvelope forJob(String otherJobId, String otherName, String otherReplyTo) {
        return new ResultEnvelope(otherJobId, otherName, otherReplyTo, workerId, status, attempt, run,
                finishedAtMillis, execNanos, serializer, payload);
    }

    private static ResultEnvelope of(Origin o, ResultStatus status, long finishedAtMillis, long execNanos,
            String serializer, byte[] payload) {
        return new ResultEnvelope(o.jobId(), o.name(), o.replyTo(), o.workerId(), status, o.attempt(), o.run(),
                finishedAtMillis, execNanos, serializer, payload);
    }
}
