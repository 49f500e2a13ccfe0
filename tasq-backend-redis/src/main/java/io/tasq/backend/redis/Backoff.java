package io.tasq.backend.redis;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Waits between attempts to reach a server that is away: 100 ms, doubling up to 5 s, with jitter so
 * that many clients do not all knock at once when it comes back. Not thread-safe: one per loop.
 */
final class Backoff {

    static final long FIRST_MILLIS = 100;
    static final long MAX_MILLIS = 5_000;

    private long next = FIRST_MILLIS;
    private int failures;

    /** Whether the last attempt failed (the server is away as far as this loop knows). */
    boolean failing() {
        return failures > 0;
    }

    /** How many attempts in a row failed. */
    int failures() {
        return failures;
    }

    /** After a success: the next failure waits the shortest time again. */
    void reset() {
        next = FIRST_MILLIS;
        failures = 0;
    }

    /**
     * Records a failure and waits before the next attempt, in short steps so that a loop being
     * closed stops promptly (without interrupting threads that may be inside socket IO).
     *
     * @param running whether the loop should go on
     * @return false if the loop should stop
     */
    boolean pause(BooleanSupplier running) {
        failures++;
        long wait = next / 2 + ThreadLocalRandom.current().nextLong(next / 2 + 1);
        next = Math.min(MAX_MILLIS, next * 2);
        long end = System.nanoTime() + wait * 1_000_000;
        try {
            for (long left = wait; left > 0 && running.getAsBoolean(); left = (end - System.nanoTime()) / 1_000_000) {
                Thread.sleep(Math.min(left, 50));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running.getAsBoolean();
    }
}
