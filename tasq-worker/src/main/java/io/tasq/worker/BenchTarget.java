package io.tasq.worker;

import java.nio.ByteBuffer;

/**
 * What a bench run drives: Tasq itself, or a bare echo through a backend's client library. Each
 * client of the run opens one {@link Lane}.
 */
interface BenchTarget extends AutoCloseable {

    /** Told when a round trip ends: its start time and whether it came back well. */
    interface Answers {
        void answered(long startNanos, boolean ok);
    }

    /** One client's way in. {@link #send} is called by one thread only. */
    interface Lane {
        void send(byte[] payload, long startNanos) throws Exception;
    }

    Lane open(int client, Answers answers) throws Exception;

    /** Stops what the target started; interrupted, it stops waiting and keeps the interrupt. */
    @Override
    void close();

    /** A raw echo's message: the client's index, the start time, the payload. */
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
