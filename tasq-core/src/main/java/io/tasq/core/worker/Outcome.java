package io.tasq.core.worker;

import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.ResultMessage;

/**
 * Where a job's result goes: through its delivery (publish, then acknowledge) or, for a job the
 * worker holds itself after acknowledging it, straight through the consumer.
 */
interface Outcome {

    void send(ResultMessage result);

    /** Refuses the job for good (no result can be sent). */
    void refuse(String reason);

    static Outcome of(Delivery delivery) {
        return new Outcome() {
            @Override
            public void send(ResultMessage result) {
                delivery.complete(result);
            }

            @Override
            public void refuse(String reason) {
                delivery.reject(reason);
            }
        };
    }

    static Outcome held(JobConsumer consumer) {
        return new Outcome() {
            @Override
            public void send(ResultMessage result) {
                consumer.publish(result);
            }

            @Override
            public void refuse(String reason) {
                // already acknowledged: nothing to hand back
            }
        };
    }
}
