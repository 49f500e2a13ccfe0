package io.tasq.backend.rabbitmq;

/**
 * Retries, dead letters and unique locks again on quorum queues ({@code ?queue-type=quorum}), where
 * the broker counts deliveries itself and the locks queue is a quorum queue.
 */
class QuorumLifecycleTest extends JobLifecycleTest {

    @Override
    String newQueueUrl() {
        return newQueueUrl("queue-type=quorum");
    }
}
