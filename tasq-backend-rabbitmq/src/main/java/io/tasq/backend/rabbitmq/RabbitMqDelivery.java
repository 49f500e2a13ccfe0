package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.tasq.spi.Delivery;
import io.tasq.spi.ResultMessage;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One job delivered to a worker. Settling only queues a {@link WorkerOp} for the consumer's IO
 * thread; the first settlement wins, later ones do nothing. Its attempt count is read from a header
 * anyone could have set, bounded ({@link Messages#attempt}); nothing else of its properties decides
 * anything before the runtime verified the job.
 *
 * <p>Thread-safe.
 */
final class RabbitMqDelivery implements Delivery {

    private final Channel from;
    private final long tag;
    private final AMQP.BasicProperties properties;
    private final byte[] body;
    private final int attempt;
    private final Consumer<WorkerOp> ops;
    private final AtomicBoolean settled = new AtomicBoolean();

    RabbitMqDelivery(Channel from, long tag, AMQP.BasicProperties properties, byte[] body, int attempt,
            Consumer<WorkerOp> ops) {
        this.from = from;
        this.tag = tag;
        this.properties = properties;
        this.body = body;
        this.attempt = attempt;
        this.ops = ops;
    }

    /** The channel it came on: its tag means something only there. */
    Channel from() {
        return from;
    }

    long tag() {
        return tag;
    }

    AMQP.BasicProperties properties() {
        return properties;
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public long run() {
        return Messages.run(properties);
    }

    /**
     * The retry waits in a delay queue of the broker: a copy with the attempt count raised is
     * published (through the delay queue, or into the job queue if it is due already), and this
     * delivery is acknowledged once the broker confirmed the copy. Nothing signed says when a retry is
     * due, so it is never sent back early to be delayed again: it waits its backoff rounded up (at
     * most a tenth longer, {@link DelayQueues#bucketUp}), at most {@link DelayQueues#MAX_DELAY_HOP_MILLIS}.
     */
    @Override
    public boolean retry(long notBeforeMillis) {
        if (settled.compareAndSet(false, true)) {
            ops.accept(new WorkerOp.Forward(from, tag, properties, body, Messages.next(attempt),
                    Math.max(1, notBeforeMillis), false));
        }
        return true;
    }

    /**
     * The job waits in a delay queue of the broker until {@code notBeforeMillis} (the time signed in
     * it, checked by the runtime), at most {@link DelayQueues#MAX_DELAY_HOP_MILLIS} at a time: a copy with
     * the same attempt count is published there, and this delivery acknowledged once the broker
     * confirmed the copy. A job still early when it comes back is deferred again.
     */
    @Override
    public boolean defer(long notBeforeMillis) {
        if (settled.compareAndSet(false, true)) {
            ops.accept(new WorkerOp.Forward(from, tag, properties, body, attempt, Math.max(1, notBeforeMillis), true));
        }
        return true;
    }

    /**
     * Its first {@link io.tasq.spi.Limits#REFUSED_BYTES_KEPT} bytes go to the dead-letter queue with
     * the reason and none of its own headers, then it is acknowledged.
     */
    @Override
    public void refuse(String reason) {
        refuse(reason, body.length);
    }

    /** Refuses a message of {@code bytes} bytes, of which only the first may have been kept. */
    void refuse(String reason, long bytes) {
        if (settled.compareAndSet(false, true)) {
            ops.accept(new WorkerOp.Refuse(this, reason == null ? "" : reason, bytes));
        }
    }

    @Override
    public void complete(ResultMessage result) {
        Objects.requireNonNull(result, "result == null");
        if (settled.compareAndSet(false, true)) {
            ops.accept(new WorkerOp.Complete(this, result));
        }
    }

    @Override
    public void ack() {
        if (settled.compareAndSet(false, true)) {
            ops.accept(new WorkerOp.Ack(this));
        }
    }

    @Override
    public void release() {
        if (settled.compareAndSet(false, true)) {
            ops.accept(new WorkerOp.Release(from, tag));
        }
    }

    @Override
    public void reject(String reason) {
        if (settled.compareAndSet(false, true)) {
            ops.accept(new WorkerOp.Reject(this, reason == null ? "" : reason));
        }
    }

    @Override
    public String toString() {
        return "RabbitMqDelivery{" + properties.getMessageId() + ", attempt " + attempt + "}";
    }
}
