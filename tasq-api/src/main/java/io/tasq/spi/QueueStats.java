package io.tasq.spi;

/**
 * How many jobs a queue holds, as far as its backend can tell; -1 for a figure it cannot tell.
 *
 * @param waiting jobs waiting for a worker
 * @param inFlight jobs delivered to a worker and not settled yet
 * @param delayed jobs waiting for their time (delayed jobs, retries)
 * @param deadLetters jobs in the dead letters
 */
public record QueueStats(long waiting, long inFlight, long delayed, long deadLetters) {

    /** Nothing known. */
    public static final QueueStats UNKNOWN = new QueueStats(-1, -1, -1, -1);
}
