package io.tasq.backend.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.atomic.AtomicBoolean;
import org.zeromq.ZMQ;

/**
 * Wakes an IO thread blocked in {@link ZMQ.Poller#poll}: other threads {@link #signal()}, the IO
 * thread registers {@link #source()} and {@link #drain()}s it. A signal is written only when none is
 * pending, so a busy IO thread costs its callers nothing. Thread-safe.
 */
final class Wakeup implements AutoCloseable {

    private final Pipe pipe;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ByteBuffer one = ByteBuffer.allocate(1);
    private final ByteBuffer sink = ByteBuffer.allocate(64);

    Wakeup() {
        try {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a wakeup pipe", e);
        }
    }

    Pipe.SourceChannel source() {
        return pipe.source();
    }

    /** Wakes the IO thread, if no wakeup is pending already. */
    void signal() {
        if (!pending.getAndSet(true)) {
            synchronized (one) {
                one.clear();
                try {
                    pipe.sink().write(one);
                } catch (IOException e) {
                    // closed: the IO thread is gone
                }
            }
        }
    }

    /**
     * Clears pending wakeups; called by the IO thread before it looks at its queues. The pipe is
     * emptied first and the flag cleared after, so a signal is never left flagged without a byte
     * in the pipe (which would let the next poll sleep through it).
     */
    void drain() {
        try {
            while (true) {
                sink.clear();
                if (pipe.source().read(sink) <= 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // closed
        }
        pending.set(false);
    }

    @Override
    public void close() {
        try {
            pipe.sink().close();
            pipe.source().close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
