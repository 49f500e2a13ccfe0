package io.tasq.backend.zmq;

import java.nio.charset.StandardCharsets;

/**
 * The frames of the ZMQ wire protocol, around the opaque envelopes.
 *
 * <pre>
 * client PUSH  -&gt; worker PULL    [JOB jobIdLength:2 jobId attempt:4 clientIdLength:2 clientId envelope]
 * client DEALER -&gt; worker ROUTER [PING]
 *                                [HELLO][clientId][algorithm][keyId][signature]  (answers a CHALLENGE;
 *                                                            unsigned: [HELLO][clientId])
 *                                [CONTROL][envelope]         (broadcast: cancel a job)
 *                                [ADMIN][requestId][op][args...]  (dead letters: count, list, retry, purge, ...)
 * worker ROUTER -&gt; client DEALER [PONG][worker instance id]   (to a peer that proved its key)
 *                                [CHALLENGE][worker instance id][challenge]  (to any other peer)
 *                                [REFUSED][reason]           (its hello proved no trusted key)
 *                                [RESULT jobIdLength:2 jobId envelope]
 *                                [RELEASED][jobId]           (not run: send it again)
 *                                [ADMIN_REPLY][requestId][payload]
 *                                [ADMIN_REFUSED][requestId][reason]  (a request from a peer that proved no key)
 * </pre>
 *
 * <p>Results, hand-backs, pongs and admin replies go only to a DEALER whose routing id proved a
 * trusted key (see {@link Handshake}); the client id in a job frame is unverified and decides
 * nothing but where a hand-back goes among such peers.
 *
 * <p>A job and a result are one frame each, their ids in a small header before the envelope: the
 * frames a message has, not its bytes, are what costs in JeroMQ (a message object, a pipe entry and
 * a decoder step each), and these two messages are the traffic.
 */
final class Frames {

    static final byte[] PING = {'P'};
    static final byte[] PONG = {'O'};
    static final byte[] RESULT = {'R'};
    static final byte[] RELEASED = {'X'};
    static final byte[] CONTROL = {'C'};
    static final byte[] ADMIN = {'A'};
    static final byte[] ADMIN_REPLY = {'a'};
    static final byte[] CHALLENGE = {'K'};
    static final byte[] HELLO = {'H'};
    static final byte[] REFUSED = {'N'};
    static final byte[] ADMIN_REFUSED = {'n'};
    /** The longest job id or client id a job frame may carry; a longer one makes the frame malformed. */
    static final int MAX_ID_BYTES = 1024;
    /**
     * The highest attempt count a job frame may claim. The count is unverified: the worker only uses
     * it bounded (the core checks a verified job's count against its own memory).
     */
    static final int MAX_ATTEMPT = 1_000_000;
    private static final byte JOB = 'J';

    /** A job as read off the jobs socket. */
    record Job(String jobId, int attempt, String client, byte[] envelope) {
    }

    /** A result as read off the results socket. */
    record Result(String jobId, byte[] envelope) {
    }

    private Frames() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static int int32(byte[] b) {
        if (b == null || b.length != 4) {
            return 1;
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static byte[] job(byte[] jobId, int attempt, byte[] client, byte[] envelope) {
        byte[] f = new byte[1 + 2 + jobId.length + 4 + 2 + client.length + envelope.length];
        f[0] = JOB;
        int at = put(f, 1, jobId);
        at = putInt(f, at, attempt);
        at = put(f, at, client);
        System.arraycopy(envelope, 0, f, at, envelope.length);
        return f;
    }

    /**
     * The job in a frame, or null if the frame is not one. Every field is unverified: ids are
     * bounded to {@link #MAX_ID_BYTES} and the attempt count to 1..{@link #MAX_ATTEMPT}.
     */
    static Job job(byte[] f) {
        if (f == null || f.length < 1 + 2 + 4 + 2 || f[0] != JOB) {
            return null;
        }
        int idLength = u16(f, 1);
        int clientAt = 1 + 2 + idLength + 4;
        if (idLength > MAX_ID_BYTES || clientAt + 2 > f.length) {
            return null;
        }
        int clientLength = u16(f, clientAt);
        int envelopeAt = clientAt + 2 + clientLength;
        if (clientLength > MAX_ID_BYTES || envelopeAt > f.length) {
            return null;
        }
        int attempt = Math.max(1, Math.min(MAX_ATTEMPT, int32(f, 3 + idLength)));
        return new Job(new String(f, 3, idLength, StandardCharsets.UTF_8), attempt,
                new String(f, clientAt + 2, clientLength, StandardCharsets.UTF_8),
                java.util.Arrays.copyOfRange(f, envelopeAt, f.length));
    }

    static byte[] result(byte[] jobId, byte[] envelope) {
        byte[] f = new byte[1 + 2 + jobId.length + envelope.length];
        f[0] = RESULT[0];
        int at = put(f, 1, jobId);
        System.arraycopy(envelope, 0, f, at, envelope.length);
        return f;
    }

    /** The result in a frame, or null if the frame is not one. */
    static Result result(byte[] f) {
        if (f == null || f.length < 1 + 2 || f[0] != RESULT[0]) {
            return null;
        }
        int idLength = u16(f, 1);
        if (3 + idLength > f.length) {
            return null;
        }
        return new Result(new String(f, 3, idLength, StandardCharsets.UTF_8),
                java.util.Arrays.copyOfRange(f, 3 + idLength, f.length));
    }

    private static int put(byte[] f, int at, byte[] field) {
        if (field.length > 0xffff) {
            throw new IllegalArgumentException("an id longer than 65535 bytes");
        }
        f[at] = (byte) (field.length >>> 8);
        f[at + 1] = (byte) field.length;
        System.arraycopy(field, 0, f, at + 2, field.length);
        return at + 2 + field.length;
    }

    private static int putInt(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 24);
        f[at + 1] = (byte) (v >>> 16);
        f[at + 2] = (byte) (v >>> 8);
        f[at + 3] = (byte) v;
        return at + 4;
    }

    private static int u16(byte[] f, int at) {
        return ((f[at] & 0xff) << 8) | (f[at + 1] & 0xff);
    }

    private static int int32(byte[] f, int at) {
        return ((f[at] & 0xff) << 24) | ((f[at + 1] & 0xff) << 16) | ((f[at + 2] & 0xff) << 8) | (f[at + 3] & 0xff);
    }

    static boolean is(byte[] frame, byte[] command) {
        return frame != null && frame.length == 1 && frame[0] == command[0];
    }
}
