package io.tasq.spi;

import java.util.Objects;

/**
 * A result envelope on its way back to a client.
 *
 * @param replyTo the id of the client it is for
 * @param jobId the id of the job it answers (a transport may use it as correlation id)
 * @param body the envelope, opaque to the backend
 */
public record ResultMessage(String replyTo, String jobId, byte[] body) {

    /** Checks the values. */
    public ResultMessage {
        Objects.requireNonNull(replyTo, "replyTo == null");
        Objects.requireNonNull(jobId, "jobId == null");
        Objects.requireNonNull(body, "body == null");
    }
}
