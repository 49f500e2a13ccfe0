package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.BackendUnavailableException;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable queue with {@code x-single-active-consumer} that holds shared state for the workers of a
 * queue, and the machinery around it: every worker consumes it, the broker delivers to one at a
 * time, the <em>leader</em>, which holds the state messages unacknowledged (so that when it is lost
 * the broker gives them all to the next consumer) and answers the other workers' requests, published
 * to the same queue, through direct reply-to. Used for repeating jobs ({@link RabbitMqScheduleStore})
 * and unique-job locks ({@link RabbitMqUniqueLocks}).
 *
 * <p>Thread-safe: publishes go through one channel in confirm mode, guarded by {@link #publishLock()};
 * the leader's channel is used by the leader's consumer, and for acknowledgements.
 */
final class LeaderQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderQueue.class);
    static final String DIRECT_REPLY = "amq.rabbitmq.reply-to";
    /** A message's kind: the state of what the leader holds (a repeating job, a lock), not a request. */
    static final String STATE = "state";
    /** Header: when a state was written, epoch milliseconds; of two states of one thing the later wins. */
    static final String WRITTEN = "x-tasq-written";
    /** How long a request or a publish waits for the broker or the leader. */
    static final long WAIT_MILLIS = 10_000;

    /** Declares the queue on a channel. */
    interface Declaration {
        void declare(Channel channel) throws IOException;
    }

    /** What the leader does with one message of its queue, of a size it takes, under its owner's lock. */
    interface Handler {
        /**
         * @param kind the message's kind (the header named when consuming), {@code null} if absent
         * @return whether the message is done with and acknowledged now; {@code false} if it is held
         *     (a state the leader keeps, acknowledged when replaced)
         */
        boolean handle(String kind, Map<String, Object> headers, AMQP.BasicProperties p, byte[] body, long tag);
    }

    private final String queue;
    private final String what;
    private final String workerId;
    private final Object publishLock = new Object();
    private final Map<String, CompletableFuture<byte[]>> calls = new ConcurrentHashMap<>();
    private final Channel publishChannel;
    private final Channel leaderChannel;

    /**
     * Declares {@code queue}; consuming it starts with {@link #consume}.
     *
     * @param what what the queue holds, for messages ("the repeating jobs")
     */
    LeaderQueue(Connection connection, String queue, String what, String workerId, Declaration declaration)
            throws IOException {
        this.queue = queue;
        this.what = what;
        this.workerId = workerId;
        this.publishChannel = connection.createChannel();
        publishChannel.confirmSelect();
        publishChannel.basicConsume(DIRECT_REPLY, true, new DefaultConsumer(publishChannel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                CompletableFuture<byte[]> call = p.getCorrelationId() == null ? null : calls.remove(p.getCorrelationId());
                if (call != null) {
                    call.complete(body);
                }
            }
        });
        this.leaderChannel = connection.createChannel();
        declaration.declare(leaderChannel);
    }

    /**
     * Competes for leadership: consumes the queue while this worker is the broker's single active
     * consumer, handing each message and its kind (header {@code kindHeader}) to {@code handler} under
     * {@code lock}. A message larger than the
     * worker takes is dropped first. Whatever the handler throws never reaches the client library (it
     * would close the channel): it is logged, and the message acknowledged (dropped: its sender gives up
     * waiting) if {@code dropOnFailure}, else left unacknowledged (the broker gives it to the next
     * leader).
     */
    void consume(Object lock, String kindHeader, boolean dropOnFailure, Handler handler) throws IOException {
        leaderChannel.basicConsume(queue, false, new DefaultConsumer(leaderChannel) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                long tag = envelope.getDeliveryTag();
                Map<String, Object> h = p.getHeaders();
                synchronized (lock) {
                    try {
                        if (SizeLimitedFrames.cutFrom(p) >= 0) {
                            LOG.warn("worker {}: dropping a message from {} larger than this worker takes "
                                    + "(envelope.max-bytes)", workerId, queue);
                            ack(tag);
                        } else if (handler.handle(Messages.header(h, kindHeader), h, p, body, tag)) {
                            ack(tag);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("worker {}: could not handle a message from {}", workerId, queue, e);
                        if (dropOnFailure) {
                            ack(tag);
                        }
                    }
                }
            }
        });
    }

    String queue() {
        return queue;
    }

    /** Held while publishing and waiting for confirms. */
    Object publishLock() {
        return publishLock;
    }

    /**
     * Sends a request to the leader and waits for its answer. The request expires with the wait, so
     * that a leader that comes late does not act on a request nobody waits for.
     */
    byte[] call(String kind, Map<String, Object> headers, byte[] body) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        calls.put(id, answer);
        try {
            AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().deliveryMode(2).correlationId(id)
                    .replyTo(DIRECT_REPLY).expiration(Long.toString(WAIT_MILLIS)).headers(headers).build();
            publishAndConfirm(queue, p, body);
            return answer.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BackendUnavailableException("no worker of " + queue + " answered a '" + kind + "' request for "
                    + what + " within " + WAIT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new BackendUnavailableException("asking for " + what + " failed: " + e.getCause(), e);
        } finally {
            calls.remove(id);
        }
    }

    /**
     * Answers a request received by the leader; never throws. Only through direct reply-to: whoever can
     * publish to the queue could otherwise have the leader publish its answers (the list of repeating
     * jobs, with their envelopes) into any queue.
     */
    void answer(AMQP.BasicProperties request, byte[] body) {
        if (!directReply(request.getReplyTo()) || request.getCorrelationId() == null) {
            return;
        }
        try {
            leaderChannel.basicPublish("", request.getReplyTo(),
                    new AMQP.BasicProperties.Builder().correlationId(request.getCorrelationId()).build(), body);
        } catch (IOException | ShutdownSignalException e) {
            LOG.debug("worker {}: could not answer a request on {}: {}", workerId, queue, e.toString());
        }
    }

    /** Whether {@code replyTo} is a direct reply-to address: the requester's own channel, nobody's queue. */
    static boolean directReply(String replyTo) {
        return replyTo != null && replyTo.startsWith(DIRECT_REPLY + ".");
    }

    /** Acknowledges a message the leader held; a negative tag (none yet) is ignored. Never throws. */
    void ack(long tag) {
        if (tag < 0) {
            return;
        }
        try {
            leaderChannel.basicAck(tag, false);
        } catch (IOException | ShutdownSignalException e) {
            // the channel is gone: the broker gives the message to the next leader, which sorts it out
            LOG.debug("worker {}: could not acknowledge a message of {}: {}", workerId, queue, e.toString());
        }
    }

    void publishAndConfirm(String to, AMQP.BasicProperties p, byte[] body) {
        synchronized (publishLock) {
            basicPublish(to, p, body);
            waitForConfirms();
        }
    }

    /** Publishes without waiting; the caller holds {@link #publishLock()} and waits for the confirms. */
    void basicPublish(String to, AMQP.BasicProperties p, byte[] body) {
        try {
            publishChannel.basicPublish("", to, false, p, body);
        } catch (IOException | RuntimeException e) {
            throw new BackendUnavailableException("cannot publish to " + to + ": " + e, e);
        }
    }

    /** Waits for the broker to confirm what was published; the caller holds {@link #publishLock()}. */
    void waitForConfirms() {
        try {
            publishChannel.waitForConfirmsOrDie(WAIT_MILLIS);
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw new BackendUnavailableException("the broker did not confirm a message for " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting for the broker's confirm", e);
        }
    }

    @Override
    public void close() {
        AmqpConnections.forget(leaderChannel);
        AmqpConnections.forget(publishChannel);
    }
}
