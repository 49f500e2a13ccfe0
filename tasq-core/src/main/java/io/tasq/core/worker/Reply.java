package io.tasq.core.worker;

import io.tasq.core.wire.ResultEnvelope;

/** A message for the response actor: a result and where it goes. */
record Reply(ResultEnvelope result, Outcome outcome) {
}
