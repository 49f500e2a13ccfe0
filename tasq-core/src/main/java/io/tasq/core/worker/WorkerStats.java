package io.tasq.core.worker;

/**
 * What a worker had done when {@link Worker#stats()} was called, since it started. Immutable.
 *
 * @param received envelopes received from the backend
 * @param succeeded jobs that returned a value
 * @param failed jobs that threw
 * @param rejected envelopes refused: malformed, unsigned or wrongly signed, undecodable, not allowed
 * @param delayed jobs held by this worker until their delay runs out
 * @param retried failed attempts sent back to be retried
 * @param timedOut attempts stopped for running over their time limit
 * @param cancelled jobs dropped or interrupted because their client cancelled them
 * @param deadLettered jobs sent to the dead letters: refused, retries exhausted, or poison
 * @param duplicates copies of a job this worker (or, on a backend with a shared memory, any worker) had
 *     already taken, dropped without running: sent twice by a client, or replayed by someone on the
 *     transport
 * @param running jobs running then
 */
public record WorkerStats(long received, long succeeded, long failed, long rejected, long delayed, long retried,
        long timedOut, long cancelled, long deadLettered, long duplicates, long running) {
}
