package io.tasq.bench;

import java.nio.ByteBuffer;

/**
 * The message a raw echo carries: the sending client's index (4 bytes), the send time in nanos
 * (8 bytes, big-endian), then the payload. The echo sends it back unchanged, so the answer tells
 * whose it is and how long it took.
 */
final class EchoFrames {

    private EchoFrames() {
    }

    static byte[] frame(int client, long startNanos, byte[] payload) {
        return ByteBuffer.allocate(12 + payload.length).putInt(client).putLong(startNanos).put(payload).array();
    }

    static int clientOf(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(0);
    }

    static long startOf(byte[] frame) {
        return ByteBuffer.wrap(frame).getLong(4);
    }
}
