package io.tasq.spi;

import java.util.Objects;

/**
 * A job envelope on its way to a worker, with the few facts a transport may need to route it.
 *
 * @param jobId the job's id (a transport may use it as message id or correlation id)
 * @param replyTo the id of the client its result goes back to
 * @param body the signed envelope, opaque to the backend
 * @param notBeforeMillis epoch milliseconds before which the job must not run, 0 for no delay; a
 *     backend with {@link BackendCapability#NATIVE_DELAY} holds the job until then
 */
public record OutboundJob(String jobId, String replyTo, byte[] body, long notBeforeMillis) {

    /** Checks the values. */
    public OutboundJob {
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(replyTo, "replyTo == null");
        Objects.requireNonNull(body, "body == null");
    }
}
