package io.tasq.backend.zmq;

import java.nio.charset.StandardCharsets;

/**
 * The frames of the ZMQ wire protocol, around the opaque envelopes.
 *
 * <pre>
 * client PUSH  -&gt; worker PULL    [jobId][attempt:4 bytes][envelope]
 * client DEALER -&gt; worker ROUTER [PING]
 *                                [CONTROL][envelope]         (broadcast: cancel a job)
 *                                [ADMIN][requestId][op][args...]  (dead letters: count, list, retry, purge)
 * worker ROUTER -&gt; client DEALER [PONG][worker instance id]
 *                                [RESULT][jobId][envelope]
 *                                [RELEASED][jobId]           (not run: send it again)
 *                                [ADMIN_REPLY][requestId][payload]
 * </pre>
 */
final class Frames {

    static final byte[] PING = {'P'};
    static final byte[] PONG = {'O'};
    static final byte[] RESULT = {'R'};
    static final byte[] RELEASED = {'X'};
    static final byte[] CONTROL = {'C'};
    static final byte[] ADMIN = {'A'};
    static final byte[] ADMIN_REPLY = {'a'};

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

    static boolean is(byte[] frame, byte[] command) {
        return frame != null && frame.length == 1 && frame[0] == command[0];
    }
}
