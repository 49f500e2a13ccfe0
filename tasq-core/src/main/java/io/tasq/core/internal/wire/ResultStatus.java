package io.tasq.core.internal.wire;

/** How a run of a job ended, as reported in a result envelope. */
public enum ResultStatus {
    /** The job returned; the payload is its serialized value. */
    OK,
    /** The job threw; the payload is the remote error. */
    FAILED,
    /** The worker refused the envelope (signature, decoding, policy); the payload is the reason. */
    REJECTED,
    /** The job ran over its time limit; the payload is the reason. */
    TIMEOUT,
    /** The job was cancelled; the payload is the reason. */
    CANCELLED,
    /** This attempt failed and the job will be retried; the payload is the error. Not final. */
    RETRYING;

    private static final ResultStatus[] VALUES = values();

    static ResultStatus of(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new InvalidEnvelopeException("unknown result status " + code);
        }
        return VALUES[code];
    }
}
