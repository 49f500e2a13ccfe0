package io.tasq.core.internal.wire;

import java.util.Map;
import java.util.Objects;

/**
 * A job as it travels: who sent it, when it may run, how it repeats, and the serialized job with
 * an optional code bundle. {@link JobCodec} writes it signed and reads it back.
 *
 * @param jobId unique id, at most {@value JobCodec#MAX_ID} bytes
 * @param name the job's name (its id when none was given)
 * @param replyTo the id of the client its results go to
 * @param createdAtMillis when the client made it, epoch milliseconds
 * @param notBeforeMillis when it may run at the earliest, epoch milliseconds; 0 for now
 * @param schedule an interval or cron expression for a repeating job, empty for a one-off
 * @param options further options as text, for example a timeout
 * @param serializer the name of the serializer that wrote {@code payload}
 * @param payload the serialized {@link io.tasq.Job}
 * @param bundleHash the SHA-256 of the code bundle, or {@code null} when the job ships no code; it is
 *     signed, the bundle itself is not (it travels after the signature and is checked against this)
 * @param bundle the code bundle (class files the job needs), or {@code null}
 * @param queue the queue the client sent it to; a worker of another queue refuses it (empty: none
 *     named, refused by every worker)
 * @param expiresAtMillis when it stops being valid, epoch milliseconds; a worker refuses it after
 *     that, and remembers until then that it took it, to refuse replays (0: never valid)
 */
public record JobEnvelope(String jobId, String name, String replyTo, long createdAtMillis, long notBeforeMillis,
        String schedule, Map<String, String> options, String serializer, byte[] payload, byte[] bundleHash,
        byte[] bundle, String queue, long expiresAtMillis) {

    /** Checks that the required fields are present and copies the options. */
    public JobEnvelope {
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(replyTo, "replyTo == null");
        Objects.requireNonNull(schedule, "schedule == null");
        options = Map.copyOf(options);
        Objects.requireNonNull(serializer, "serializer == null");
        Objects.requireNonNull(payload, "payload == null");
        if ((bundleHash == null) != (bundle == null)) {
            throw new IllegalArgumentException("a bundle and its hash go together");
        }
        Objects.requireNonNull(queue, "queue == null");
    }

    /** A job for no queue yet, valid never: give it one with {@link #forQueue}. */
    public JobEnvelope(String jobId, String name, String replyTo, long createdAtMillis, long notBeforeMillis,
            String schedule, Map<String, String> options, String serializer, byte[] payload, byte[] bundleHash,
            byte[] bundle) {
        this(jobId, name, replyTo, createdAtMillis, notBeforeMillis, schedule, options, serializer, payload,
                bundleHash, bundle, "", 0);
    }

    /** A one-off job without a code bundle. */
    public JobEnvelope(String jobId, String name, String replyTo, long createdAtMillis, long notBeforeMillis,
            String schedule, Map<String, String> options, String serializer, byte[] payload) {
        this(jobId, name, replyTo, createdAtMillis, notBeforeMillis, schedule, options, serializer, payload, null, null);
    }

    /** This job sent to {@code queue}, valid until {@code expiresAtMillis}. */
    public JobEnvelope forQueue(String queue, long expiresAtMillis) {
        return new JobEnvelope(jobId, name, replyTo, createdAtMillis, notBeforeMillis, schedule, options, serializer,
                payload, bundleHash, bundle, queue, expiresAtMillis);
    }

    /**
     * What identifies this job among every job of every client, for telling a replay from a new job:
     * the client's id and the job's id, which the client makes unique.
     */
    public String key() {
        return replyTo + "/" + jobId;
    }

    /** Whether this job repeats. */
    public boolean repeating() {
        return !schedule.isEmpty();
    }
}
