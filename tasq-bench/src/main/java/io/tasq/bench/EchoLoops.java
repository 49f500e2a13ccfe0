package io.tasq.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The threads of a raw echo: each repeats one step (a blocking receive with a timeout, and what
 * follows) until {@link #stop}. A step that throws once stopping has begun (its socket or
 * connection closing) ends its thread quietly. Thread-safe.
 */
final class EchoLoops {

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /** Starts a daemon thread named {@code name} that runs {@code step} until stopped. */
    synchronized void start(String name, Runnable step) {
        Thread t = new Thread(() -> {
            try {
                while (running) {
                    step.run();
                }
            } catch (RuntimeException e) {
                if (running) {
                    throw e;
                }
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Stops the loops and waits up to {@code joinMillis} for each; interrupted, it keeps the interrupt. */
    synchronized void stop(long joinMillis) {
        running = false;
        try {
            for (Thread t : threads) {
                t.join(joinMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
