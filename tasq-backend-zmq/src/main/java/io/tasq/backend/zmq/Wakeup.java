package io.tasq.backend.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.atomic.AtomicBoolean;
import org.zeromq.ZMQ;

/**
 * Wakes an IO thread blocked in {@link ZMQ.Poller#poll}: other threads {@link #signal()}, the IO
 * thread registers {@link #source()}, and around each poll calls {@link #park()} (then looks at its
 * queues once more) and {@link #unpark()}. A byte is written only to wake a thread that is parked,
 * so a busy IO thread costs its callers a volatile read and no system call. Thread-safe.
 */
final class Wakeup implements AutoCloseable {

    private final Pipe pipe;
    /** Set by the IO thread before it polls; the first signal after that clears it and writes the byte. */
    private final AtomicBoolean parked = new AtomicBoolean();
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

    /** Wakes the IO thread if it is parked (or about to poll); otherwise it sees the work on its next turn. */
    void signal() {
        if (parked.get() && parked.compareAndSet(true, false)) {
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
     * Called by the IO thread before it polls. It must look at its queues <em>after</em> this call
     * and poll only if they are empty: work queued after that look finds the flag set and signals.
     */
    void park() {
        parked.set(true);
    }

    /**
     * Called by the IO thread after the poll ({@code polled}), or instead of it when the second look
     * found work. After a poll the pipe is emptied. A byte written for a poll that did not happen
     * stays in the pipe and makes the next poll return at once, which then empties it: a spare
     * wakeup, never a lost one.
     */
    void unpark(boolean polled) {
        parked.set(false);
        if (polled) {
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
        }
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
