package io.tasq.backend.zmq;

/**
 * Decides when a repeated event is worth a log line: the first of a burst, and then at most once a
 * minute while it goes on, with how many happened since. A hostile peer can make an event happen
 * thousands of times a second; the log must not grow with it. Thread-safe.
 */
final class Bursts {

    private static final long QUIET_MILLIS = 60_000;

    private long lastLoggedAt = Long.MIN_VALUE / 2;
    private long unlogged;

    /**
     * Counts one event; returns how many events this log line stands for (itself and those not
     * logged before it), or 0 if it is not to be logged.
     */
    synchronized long count(long nowMillis) {
        unlogged++;
        if (nowMillis - lastLoggedAt < QUIET_MILLIS) {
            return 0;
        }
        lastLoggedAt = nowMillis;
        long n = unlogged;
        unlogged = 0;
        return n;
    }
}
