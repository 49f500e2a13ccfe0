package io.tasq.spi;

import java.util.List;

/**
 * A queue's dead letters, as an operator sees them ({@code tq dead list|retry|purge}).
 * Implementations are thread-safe.
 */
public interface DeadLetters {

    /** How many there are. */
    long count();

    /**
     * How many were dropped, oldest first, because the dead letters were full; -1 when the backend
     * cannot tell.
     */
    default long dropped() {
        return -1;
    }

    /** Up to {@code max} of them, oldest first. */
    List<DeadLetter> list(int max);

    /**
     * Sends these dead letters back to the queue as new deliveries (attempt 1), and removes them
     * from the dead letters. An empty list means all of them.
     *
     * @return how many were sent back
     */
    int retry(List<String> ids);

    /**
     * Deletes these dead letters; an empty list means all of them.
     *
     * @return how many were deleted
     */
    int purge(List<String> ids);
}
