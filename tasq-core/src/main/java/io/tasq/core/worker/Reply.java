package io.tasq.core.worker;

import io.tasq.core.internal.wire.ResultEnvelope;

/**
 * A message for the response actor: a result, where it goes, and whether it settles the job as
 * done or as refused.
 *
 * @param refusal the reason the job was refused, or {@code null} when it ran
 */
record Reply(ResultEnvelope result, Outcome outcome, String refusal) {
}
