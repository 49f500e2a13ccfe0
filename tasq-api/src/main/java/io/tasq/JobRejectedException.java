package io.tasq;

import java.util.Objects;

/**
 * A worker refused a job before running it: the envelope did not verify, could not be decoded, or
 * asked for something the worker does not allow. The message says which and what to change.
 *
 * <p>Instances are immutable.
 */
public class JobRejectedException extends TasqException {
    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final String reasonType;

    /**
     * @param jobId the id of the rejected job
     * @param reasonType the class name of the worker's reason, for example
     *     {@code io.tasq.SignatureVerificationException}
     * @param message what the worker reported
     */
    public JobRejectedException(String jobId, String reasonType, String message) {
        super(message, null, false);
        this.jobId = Objects.requireNonNull(jobId, "jobId == null");
        this.reasonType = Objects.requireNonNull(reasonType, "reasonType == null");
    }

    /** The id of the rejected job. */
    public String jobId() {
        return jobId;
    }

    /** The class name of the worker's reason, for example {@code io.tasq.SignatureVerificationException}. */
    public String reasonType() {
        return reasonType;
    }
}
