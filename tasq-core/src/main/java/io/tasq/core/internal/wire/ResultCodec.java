package io.tasq.core.internal.wire;


/**
 * Writes and reads result envelopes, version 1:
 *
 * <pre>
 * 'T' 'Q' version:u8 kind:u8='R' flags:u16
 * jobId:str name:str replyTo:str workerId:str
 * status:u8 attempt:i32 run:i64 finishedAt:i64 execNanos:i64
 * serializer:str payload:bytes
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class ResultCodec {

    static final byte KIND_RESULT = 'R';

    private ResultCodec() {
    }

    /** Encodes a result. */
    public static byte[] encode(ResultEnvelope r) {
        ByteWriter w = new ByteWriter(80 + r.jobId().length() + r.name().length() * 3 + r.replyTo().length()
                + r.workerId().length() + r.payload().length);
        w.u8('T').u8('Q').u8(JobCodec.VERSION).u8(KIND_RESULT).u16(0);
        w.str(r.jobId(), JobCodec.MAX_ID).str(r.name(), JobCodec.MAX_NAME).str(r.replyTo(), JobCodec.MAX_ID)
                .str(r.workerId(), JobCodec.MAX_ID);
        w.u8(r.status().ordinal()).i32(r.attempt()).i64(r.run()).i64(r.finishedAtMillis()).i64(r.execNanos());
        w.str(r.serializer(), JobCodec.MAX_ID).bytes(r.payload());
        return w.toByteArray();
    }

    /**
     * Decodes a result.
     *
     * @throws InvalidEnvelopeException if the bytes are not a version 1 result envelope
     */
    public static ResultEnvelope decode(byte[] bytes, int maxBytes) {
        ByteReader r = new ByteReader(bytes);
        if (r.remaining() < 6 || r.u8("magic") != 'T' || r.u8("magic") != 'Q') {
            throw new InvalidEnvelopeException("not a Tasq result envelope");
        }
        int version = r.u8("version");
        if (version != JobCodec.VERSION) {
            throw new InvalidEnvelopeException("result envelope version " + version + " is not supported");
        }
        if (r.u8("kind") != KIND_RESULT) {
            throw new InvalidEnvelopeException("not a result envelope");
        }
        r.u16("flags");
        String jobId = r.str("jobId", JobCodec.MAX_ID);
        String name = r.str("name", JobCodec.MAX_NAME);
        String replyTo = r.str("replyTo", JobCodec.MAX_ID);
        String workerId = r.str("workerId", JobCodec.MAX_ID);
        ResultStatus status = ResultStatus.of(r.u8("status"));
        int attempt = r.i32("attempt");
        long run = r.i64("run");
        long finishedAt = r.i64("finishedAt");
        long execNanos = r.i64("execNanos");
        String serializer = r.str("serializer", JobCodec.MAX_ID);
        byte[] payload = r.bytes("payload", maxBytes);
        r.expectEnd();
        return new ResultEnvelope(jobId, name, replyTo, workerId, status, attempt, run, finishedAt, execNanos,
                serializer, payload);
    }
}
