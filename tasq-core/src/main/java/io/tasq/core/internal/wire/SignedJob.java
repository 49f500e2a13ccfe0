package io.tasq.core.internal.wire;

/**
 * A job envelope as read from the wire, with its signature not yet checked.
 *
 * @param job the envelope's fields
 * @param algorithm the signing algorithm named in it, {@code none} when unsigned
 * @param keyId the key id named in it, empty when unsigned
 * @param signature the signature bytes, empty when unsigned
 * @param encoded the whole envelope as received
 * @param signedLength how many leading bytes of {@code encoded} the signature covers
 */
public record SignedJob(JobEnvelope job, String algorithm, String keyId, byte[] signature, byte[] encoded,
        int signedLength) {

    /** Whether the envelope carries no signature. */
    public boolean unsigned() {
        return JobCodec.UNSIGNED.equals(algorithm);
    }
}
