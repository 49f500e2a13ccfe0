package io.tasq.backend.zmq;

/**
 * A message a worker sends a client over its results port: a result (with a body) or a hand-back
 * (without). It goes only to the routing id that proved a key for {@code replyTo}; until there is
 * one it is held ({@link HeldResults}). Immutable.
 *
 * @param replyTo the client id, from the verified envelope (a result) or the job frame (a hand-back)
 * @param command {@link Frames#RESULT} or {@link Frames#RELEASED}
 * @param jobId the job's id, as UTF-8
 * @param body the result's envelope; null for a hand-back
 */
record ClientMessage(String replyTo, byte[] command, byte[] jobId, byte[] body) {
}
