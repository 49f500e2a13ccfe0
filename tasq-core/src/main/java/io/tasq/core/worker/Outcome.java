package io.tasq.core.worker;

import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.ResultMessage;

/**
 * Where a job's result goes: through its delivery (publish, then acknowledge) or, for a job the
 * worker holds itself after acknowledging it, straight through the consumer.
 */
interface Outcome {

    /** Sends the result and settles the job as done. */
    void send(ResultMessage result);

    /**
     * Tells the sender why the job was refused (when {@code result} is not null) and settles the
     * job as refused: dead letters, never redelivered.
     */
    void refuse(ResultMessage result, String reason);

    static Outcome of(Delivery delivery, JobConsumer consumer) {
        return new Outcome() {
            @Override
            public void send(ResultMessage result) {
                delivery.complete(result);
            }

            @Override
            public void refuse(ResultMessage result, String reason) {
                if (result != null) {
                    consumer.publish(result);
                }
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
            public void refuse(ResultMessage result, String reason) {
                if (result != null) {
                    consumer.publish(result); // already acknowledged: nothing to hand back
                }
            }
        };
    }
}
