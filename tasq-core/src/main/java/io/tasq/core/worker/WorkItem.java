package io.tasq.core.worker;

import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.Delivery;

/**
 * A message for a job actor: a fresh delivery to check and run, or a job the worker already checked
 * and held (delayed) that is now due.
 *
 * @param delivery the delivery, or {@code null} for a held job
 * @param verified the checked envelope of a held job, or {@code null} for a fresh delivery
 * @param attempt the delivery's attempt number
 * @param run which run of a repeating job, from 1; 0 for a delivery that is not a fired run
 */
record WorkItem(Delivery delivery, SignedJob verified, int attempt, long run) {

    static WorkItem fresh(Delivery delivery) {
        return new WorkItem(delivery, null, delivery.attempt(), delivery.run());
    }

    static WorkItem held(SignedJob job, int attempt, long run) {
        return new WorkItem(null, job, attempt, run);
    }
}
