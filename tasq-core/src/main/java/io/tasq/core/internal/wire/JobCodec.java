package io.tasq.core.internal.wire;

import io.tasq.spi.Signer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes and reads job envelopes, version 2:
 *
 * <pre>
 * 'T' 'Q' version:u8 kind:u8='J' flags:u16
 * createdAt:i64 notBefore:i64 expiresAt:i64
 * jobId:str name:str replyTo:str schedule:str queue:str
 * optionCount:u8 (key:str value:str)*
 * serializer:str payload:bytes [bundleHash:32 bytes if flags&amp;1]
 * algorithm:str keyId:str            -- the signature covers every byte up to here
 * signatureLength:u16 signature
 * [bundle:bytes if flags&amp;1]            -- checked against the signed bundleHash
 * </pre>
 *
 * The code bundle sits after the signature so that a worker that already holds a bundle (by its
 * signed hash) verifies only the small signed part; one that does not hashes the bundle and compares.
 *
 * where {@code str} is a 16-bit length and UTF-8 bytes and {@code bytes} a 32-bit length and bytes,
 * big-endian. Every length is checked against a limit and the bytes left before anything is
 * allocated. Stateless and thread-safe.
 */
public final class JobCodec {

    /** The algorithm name of an unsigned envelope. */
    public static final String UNSIGNED = "none";
    static final int MAX_ID = 128;
    static final int MAX_NAME = 1024;
    static final int MAX_SCHEDULE = 256;
    static final int MAX_OPTIONS = 32;
    static final int MAX_OPTION = 1024;
    static final int MAX_SIGNATURE = 1024;
    static final byte VERSION = 2;
    static final int MAX_QUEUE = 256;
    static final byte KIND_JOB = 'J';
    private static final int FLAG_BUNDLE = 1;
    /** The length of a bundle hash (SHA-256). */
    public static final int HASH_BYTES = 32;

    /** The largest payload or bundle a reader accepts unless told otherwise: 64 MiB. */
    public static final int DEFAULT_MAX_BYTES = 64 << 20;

    private JobCodec() {
    }

    /**
     * Encodes and signs a job.
     *
     * @param signer the signer, or {@code null} for an unsigned envelope
     */
    public static byte[] encode(JobEnvelope job, Signer signer) {
        int size = 112 + job.queue().length() + job.jobId().length() + job.name().length() * 3 + job.replyTo().length()
                + job.schedule().length() + job.payload().length + (job.bundle() == null ? 0 : job.bundle().length);
        ByteWriter w = new ByteWriter(size);
        w.u8('T').u8('Q').u8(VERSION).u8(KIND_JOB).u16(job.bundle() == null ? 0 : FLAG_BUNDLE);
        w.i64(job.createdAtMillis()).i64(job.notBeforeMillis()).i64(job.expiresAtMillis());
        w.str(job.jobId(), MAX_ID).str(job.name(), MAX_NAME).str(job.replyTo(), MAX_ID).str(job.schedule(), MAX_SCHEDULE)
                .str(job.queue(), MAX_QUEUE);
        if (job.options().size() > MAX_OPTIONS) {
            throw new IllegalArgumentException("at most " + MAX_OPTIONS + " options, got " + job.options().size());
        }
        w.u8(job.options().size());
        for (Map.Entry<String, String> e : job.options().entrySet()) {
            w.str(e.getKey(), MAX_OPTION).str(e.getValue(), MAX_OPTION);
        }
        w.str(job.serializer(), MAX_ID).bytes(job.payload());
        if (job.bundle() != null) {
            if (job.bundleHash().length != HASH_BYTES) {
                throw new IllegalArgumentException("a bundle hash is " + HASH_BYTES + " bytes");
            }
            w.raw(job.bundleHash(), 0, HASH_BYTES);
        }
        w.str(signer == null ? UNSIGNED : signer.algorithm(), MAX_ID).str(signer == null ? "" : signer.keyId(), MAX_ID);
        int signedLength = w.size();
        byte[] signature = signer == null ? new byte[0] : signer.sign(w.array(), 0, signedLength);
        w.u16(signature.length).raw(signature, 0, signature.length);
        if (job.bundle() != null) {
            w.bytes(job.bundle());
        }
        return w.toByteArray();
    }

    /**
     * Decodes an envelope without checking its signature.
     *
     * @param maxBytes the largest payload or bundle to accept
     * @throws InvalidEnvelopeException if the bytes are not a version 1 job envelope
     */
    public static SignedJob decode(byte[] bytes, int maxBytes) {
        ByteReader r = new ByteReader(bytes);
        int flags = header(r);
        long createdAt = r.i64("createdAt");
        long notBefore = r.i64("notBefore");
        long expiresAt = r.i64("expiresAt");
        String jobId = r.str("jobId", MAX_ID);
        String name = r.str("name", MAX_NAME);
        String replyTo = r.str("replyTo", MAX_ID);
        String schedule = r.str("schedule", MAX_SCHEDULE);
        String queue = r.str("queue", MAX_QUEUE);
        int optionCount = r.u8("option count");
        if (optionCount > MAX_OPTIONS) {
            throw new InvalidEnvelopeException(optionCount + " options exceed the limit of " + MAX_OPTIONS);
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < optionCount; i++) {
            options.put(r.str("option key", MAX_OPTION), r.str("option value", MAX_OPTION));
        }
        String serializer = r.str("serializer", MAX_ID);
        byte[] payload = r.bytes("payload", maxBytes);
        byte[] bundleHash = (flags & FLAG_BUNDLE) != 0 ? r.bytesOfLength(HASH_BYTES, "bundle hash") : null;
        String algorithm = r.str("algorithm", MAX_ID);
        String keyId = r.str("keyId", MAX_ID);
        int signedLength = r.position();
        int sigLength = r.u16("signature length");
        if (sigLength > MAX_SIGNATURE) {
            throw new InvalidEnvelopeException("signature of " + sigLength + " bytes exceeds " + MAX_SIGNATURE);
        }
        byte[] signature = r.bytesOfLength(sigLength, "signature");
        byte[] bundle = bundleHash != null ? r.bytes("bundle", maxBytes) : null;
        r.expectEnd();
        if (jobId.isEmpty() || replyTo.isEmpty()) {
            throw new InvalidEnvelopeException("envelope without a job id or reply address");
        }
        JobEnvelope job = new JobEnvelope(jobId, name.isEmpty() ? jobId : name, replyTo, createdAt, notBefore,
                schedule, options, serializer, payload, bundleHash, bundle, queue, expiresAt);
        return new SignedJob(job, algorithm, keyId, signature, bytes, signedLength);
    }

    private static int header(ByteReader r) {
        if (r.remaining() < 6) {
            throw new InvalidEnvelopeException("not a Tasq envelope: " + r.remaining() + " bytes is too short");
        }
        if (r.u8("magic") != 'T' || r.u8("magic") != 'Q') {
            throw new InvalidEnvelopeException("not a Tasq envelope: wrong magic bytes");
        }
        int version = r.u8("version");
        if (version != VERSION) {
            throw new InvalidEnvelopeException("envelope version " + version + " is not supported (this worker reads "
                    + VERSION + "); upgrade the worker or the client so that both speak the same version");
        }
        int kind = r.u8("kind");
        if (kind != KIND_JOB) {
            throw new InvalidEnvelopeException("not a job envelope (kind " + kind + ")");
        }
        return r.u16("flags");
    }
}
