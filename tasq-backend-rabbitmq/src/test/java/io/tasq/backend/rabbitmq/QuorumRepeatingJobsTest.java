package io.tasq.backend.rabbitmq;

/** Repeating jobs again on quorum queues: the schedules queue is a single-active-consumer quorum queue. */
class QuorumRepeatingJobsTest extends RepeatingJobsTest {

    @Override
    String newQueueUrl() {
        return newQueueUrl("queue-type=quorum");
    }
}
