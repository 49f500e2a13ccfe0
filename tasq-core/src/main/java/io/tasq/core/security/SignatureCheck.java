package io.tasq.core.security;

import io.tasq.SignatureVerificationException;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.Verifier;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The worker's gate: checks an envelope's signature against the trusted keys before anything in it
 * is deserialized. Immutable and thread-safe.
 */
public final class SignatureCheck {

    private final Map<String, Verifier> verifiers;
    private final boolean acceptUnsigned;

    /**
     * @param verifiers the trusted keys, by algorithm
     * @param acceptUnsigned whether unsigned envelopes pass (the worker's explicit insecure mode)
     */
    public SignatureCheck(List<Verifier> verifiers, boolean acceptUnsigned) {
        this.verifiers = verifiers.stream().collect(Collectors.toUnmodifiableMap(Verifier::algorithm,
                Function.identity()));
        this.acceptUnsigned = acceptUnsigned;
    }

    /** Whether unsigned envelopes pass. */
    public boolean acceptsUnsigned() {
        return acceptUnsigned;
    }

    /** Whether any key is trusted. */
    public boolean hasKeys() {
        return !verifiers.isEmpty();
    }

    /** What this worker trusts, for its start line and for error messages. */
    public String describe() {
        String keys = verifiers.values().stream().map(v -> v.algorithm() + " " + v.keyIds())
                .collect(Collectors.joining(", "));
        return (keys.isEmpty() ? "no keys" : keys) + (acceptUnsigned ? ", UNSIGNED JOBS ACCEPTED (insecure)" : "");
    }

    /**
     * Passes a well-signed envelope, or an unsigned one in insecure mode.
     *
     * @throws SignatureVerificationException saying what is wrong and what to change
     */
    public void check(SignedJob job) {
        if (job.unsigned()) {
            if (acceptUnsigned) {
                return;
            }
            throw new SignatureVerificationException(id(job) + " is unsigned and this worker runs only signed jobs: give "
                    + "the client a key (TASQ_SIGN_KEY, or sign.key / sign.private-key) or start the worker with "
                    + "--insecure");
        }
        Verifier v = verifiers.get(job.algorithm());
        if (v == null) {
            throw new SignatureVerificationException(id(job) + " is signed with " + job.algorithm()
                    + " but this worker has no key for it (it trusts: " + describe() + ")");
        }
        if (!v.keyIds().contains(job.keyId())) {
            throw new SignatureVerificationException(id(job) + " is signed with key " + job.keyId()
                    + ", which this worker does not trust (it trusts: " + describe() + ")");
        }
        if (!v.verify(job.keyId(), job.encoded(), 0, job.signedLength(), job.signature())) {
            throw new SignatureVerificationException(id(job) + " has a signature that does not match its content: it was "
                    + "altered after signing, or corrupted in transit");
        }
    }

    /**
     * Whether {@code signature} is a valid signature of {@code data} by the trusted key {@code keyId}
     * of {@code algorithm}; for peers proving who they are (see {@link KeyCredentials}).
     */
    public boolean verify(String algorithm, String keyId, byte[] data, byte[] signature) {
        Verifier v = verifiers.get(algorithm);
        return v != null && v.keyIds().contains(keyId) && v.verify(keyId, data, 0, data.length, signature);
    }

    /** How errors name the job; built only for a refused one, not on every job's path. */
    private static String id(SignedJob job) {
        return "job '" + job.job().name() + "' (" + job.job().jobId() + ")";
    }
}
