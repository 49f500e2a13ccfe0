package io.tasq.bench;

/**
 * What a bench run ({@code tq bench}) drives: Tasq itself, or a bare echo through a backend's
 * client library ({@link RawEcho}). Each client of the run opens one {@link Lane} and sends on it
 * from a thread of its own; answers come on the target's threads.
 */
public interface BenchTarget extends AutoCloseable {

    /** Told when a round trip ends: its start time and whether it came back well. */
    interface Answers {
        void answered(long startNanos, boolean ok);
    }

    /** One client's way in. {@link #send} is called by one thread only. */
    interface Lane {
        void send(byte[] payload, long startNanos) throws Exception;
    }

    /** Opens client number {@code client}'s lane; each round trip it sends is reported to {@code answers}. */
    Lane open(int client, Answers answers) throws Exception;

    /** Stops what the target started; interrupted, it stops waiting and keeps the interrupt. */
    @Override
    void close();
}
