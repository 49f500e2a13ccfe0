package io.tasq;

import java.util.Objects;

/**
 * A worker refused a verified job before running it: it asked for something the worker does not
 * allow (a class outside its allow-list, code shipping when it is off), or it was a poison job. The
 * message says which and what to change. A job whose envelope does not verify is refused without an
 * answer (see {@link JobUnansweredException}), since its address is as unverified as the rest.
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
