package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.tasq.spi.ResultMessage;

/**
 * What a worker asks its IO thread to do, and what the broker tells it back. An operation that
 * publishes (a result, a dead letter, a copy of a job) acknowledges its delivery only once the broker
 * confirmed the publish, so that nothing is acknowledged that is not safely stored elsewhere.
 */
sealed interface WorkerOp {

    /** Publish the job's result, then acknowledge the job. */
    record Complete(RabbitMqDelivery delivery, ResultMessage result) implements WorkerOp {
    }

    /**
     * Publish the results of several jobs, all for one client, in one message, then acknowledge the
     * jobs: what the worker has ready for a client at once costs the broker one message.
     */
    record CompleteAll(java.util.List<Complete> completes) implements WorkerOp {
    }

    /** Acknowledge the job. */
    record Ack(RabbitMqDelivery delivery) implements WorkerOp {
    }

    /** Hand the job back to the queue. */
    record Release(Channel from, long tag) implements WorkerOp {
    }

    /** Move the job to the dead-letter queue with the reason, then acknowledge it. */
    record Reject(RabbitMqDelivery delivery, String reason) implements WorkerOp {
    }

    /**
     * Put the first bytes of a message that failed verification (or was too large to take) in the
     * dead-letter queue, with none of its own headers, then acknowledge it ({@link Messages#refused}).
     *
     * @param bytes the message's real size ({@code delivery.body()} may be its first bytes only)
     */
    record Refuse(RabbitMqDelivery delivery, String reason, long bytes) implements WorkerOp {
    }

    /** Move a job the worker holds itself (it has no delivery) to the dead-letter queue. */
    record Bury(String jobId, String replyTo, byte[] envelope, String reason, int attempts) implements WorkerOp {
    }

    /** Publish a result that belongs to no delivery. */
    record Publish(ResultMessage result) implements WorkerOp {
    }

    /**
     * Publish a copy of a delivered job with a new attempt count (it was delivered before, or failed
     * and is retried) or to a delay queue (the runtime deferred it by its signed time, or it waits for
     * its retry), then acknowledge the delivered one. {@code notBeforeMillis} comes from the runtime,
     * never from a header; 0 means due now. {@code checkedOnArrival}: whether the time is signed in the
     * job, so that a worker defers it again if it comes back early (see {@link DelayQueues#route}).
     */
    record Forward(Channel from, long tag, AMQP.BasicProperties properties, byte[] body, int attempt,
            long notBeforeMillis, boolean checkedOnArrival) implements WorkerOp {
    }

    /** Stop consuming (the worker pauses). */
    record Cancel() implements WorkerOp {
    }

    /** The broker confirmed (or, if {@code nack}, refused) publishes up to {@code seq}, in channel life {@code epoch}. */
    record Confirmed(int epoch, long seq, boolean multiple, boolean nack) implements WorkerOp {
    }

    /** The broker could not route a mandatory publish: the queue {@code queue} does not exist. */
    record Returned(String queue, String messageId, String why) implements WorkerOp {
    }
}
