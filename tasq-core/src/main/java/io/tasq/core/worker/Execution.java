package io.tasq.core.worker;

import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.SignedJob;

/**
 * Runs a checked job and says how it ended. {@link LocalExecution} runs it on the calling thread;
 * the process worker runs it in a child JVM. Implementations are thread-safe.
 */
interface Execution extends AutoCloseable {

    /**
     * Runs the job (its signature already checked) and returns its result, or a refusal when it
     * could not even be decoded.
     */
    Ran run(SignedJob job, int attempt, long run);

    /**
     * Whether the code bundle that travels after the job's signature is the one its signed hash
     * names (or the job has none, or this execution holds that bundle already and will not read
     * the bytes). Checked with the signature: a job whose bundle was swapped is as unverified as one
     * with a bad signature, and must not be answered or remembered as taken.
     */
    default boolean bundleMatches(SignedJob job) {
        var env = job.job();
        return env.bundle() == null
                || java.security.MessageDigest.isEqual(io.tasq.core.internal.shipping.Bundle.sha256(env.bundle()), env.bundleHash());
    }

    /** Interrupts the job running on {@code thread}, if this execution can. */
    default void interrupt(Thread thread) {
        thread.interrupt();
    }

    @Override
    default void close() {
    }

    /**
     * How a run ended.
     *
     * @param result the result to send
     * @param refusal why the job was refused (dead-lettered), or {@code null} when it ran
     * @param retryable whether a failed run may be retried (false when the job said do not retry)
     */
    record Ran(ResultEnvelope result, String refusal, boolean retryable) {

        /** A run that was not refused. */
        Ran(ResultEnvelope result, String refusal) {
            this(result, refusal, true);
        }
    }
}
