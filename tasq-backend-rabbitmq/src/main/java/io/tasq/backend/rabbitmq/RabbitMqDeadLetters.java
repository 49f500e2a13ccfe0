package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.BackendUnavailableException;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The dead letters in {@code tasq.NAME.dead}, for operators. A dead-letter queue has no consumer, so
 * each operation takes messages with {@code basic.get} without acknowledging them, on a channel of
 * its own: what it keeps it acknowledges (after publishing a retried job back to the job queue and
 * having the broker confirm it), and closing the channel puts everything else back in its place.
 * Ids are the {@code x-tasq-dead-id} header the worker gave the dead letter, or for a message
 * without one a digest of its body. Retrying sends back only dead letters that are whole: not the
 * first bytes kept of a refused message, nor one larger than this process takes (see
 * {@link SizeLimitedFrames}), which stay where they are. How many were dropped for want of room is
 * the workers' count in {@code tasq.NAME.dead.dropped} ({@link DeadLetterTally}).
 *
 * <p>Thread-safe: one operation at a time.
 */
final class RabbitMqDeadLetters implements DeadLetters, AutoCloseable {

    private static final long CONFIRM_MILLIS = 30_000;

    private final Topology topology;
    private final Connection connection;
    private final DeadLetterTally tally;

    RabbitMqDeadLetters(RabbitMqSettings settings, Topology topology) {
        this.topology = topology;
        this.connection = AmqpConnections.open(settings, "tasq " + settings.name() + " dead letters");
        this.tally = new DeadLetterTally(topology, connection);
        try (Channel ch = connection.createChannel()) {
            topology.declareJobQueues(ch);
        } catch (IOException | TimeoutException | RuntimeException e) {
            AmqpConnections.quietlyClose(connection);
            throw e instanceof RuntimeException r ? r : new BackendUnavailableException("cannot declare "
                    + topology.dead() + ": " + e, e);
        }
    }

    @Override
    public synchronized long count() {
        try (Channel ch = connection.createChannel()) {
            return ch.messageCount(topology.dead());
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw failed("count", e);
        }
    }

    /** The count kept in {@code tasq.NAME.dead.dropped} by the workers ({@link DeadLetterTally}). */
    @Override
    public synchronized long dropped() {
        try {
            return tally.read();
        } catch (IOException | ShutdownSignalException e) {
            throw failed("count the dropped", e);
        }
    }

    @Override
    public synchronized List<DeadLetter> list(int max) {
        List<DeadLetter> out = new ArrayList<>();
        Channel ch = open();
        try {
            for (GetResponse r; out.size() < max && (r = ch.basicGet(topology.dead(), false)) != null; ) {
                out.add(letter(r));
            }
            return out;
        } catch (IOException | ShutdownSignalException e) {
            throw failed("list", e);
        } finally {
            AmqpConnections.forget(ch); // everything taken goes back, in its place
        }
    }

    @Override
    public synchronized int retry(List<String> ids) {
        Set<String> wanted = Set.copyOf(ids);
        Channel ch = open();
        try {
            ch.confirmSelect();
            List<Long> taken = new ArrayList<>();
            for (GetResponse r; (r = ch.basicGet(topology.dead(), false)) != null; ) {
                if ((wanted.isEmpty() || wanted.contains(idOf(r))) && whole(r)) {
                    ch.basicPublish("", topology.jobs(), true, Messages.revived(r.getProps()), r.getBody());
                    taken.add(r.getEnvelope().getDeliveryTag());
                }
            }
            if (taken.isEmpty()) {
                return 0;
            }
            // the copies are stored before the dead letters go: a failure here leaves both, never neither
            ch.waitForConfirmsOrDie(CONFIRM_MILLIS);
            for (long tag : taken) {
                ch.basicAck(tag, false);
            }
            return taken.size();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw failed("retry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while sending dead letters back to " + topology.jobs(),
                    e);
        } finally {
            closeAfterAcks(ch);
        }
    }

    @Override
    public synchronized int purge(List<String> ids) {
        if (ids.isEmpty()) {
            try (Channel ch = connection.createChannel()) {
                return ch.queuePurge(topology.dead()).getMessageCount();
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                throw failed("purge", e);
            }
        }
        Set<String> wanted = Set.copyOf(ids);
        Channel ch = open();
        try {
            int n = 0;
            for (GetResponse r; (r = ch.basicGet(topology.dead(), false)) != null; ) {
                if (wanted.contains(idOf(r))) {
                    ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                    n++;
                }
            }
            return n;
        } catch (IOException | ShutdownSignalException e) {
            throw failed("purge", e);
        } finally {
            closeAfterAcks(ch);
        }
    }

    @Override
    public void close() {
        AmqpConnections.quietlyClose(connection);
    }

    private Channel open() {
        try {
            return connection.createChannel();
        } catch (IOException | ShutdownSignalException e) {
            throw failed("open a channel for", e);
        }
    }

    /** Closes cleanly, so that the acknowledgements sent before are applied, and the rest goes back. */
    private static void closeAfterAcks(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // the broker puts back what was not acknowledged anyway
        }
    }

    private BackendUnavailableException failed(String what, Exception e) {
        return new BackendUnavailableException("cannot " + what + " the dead letters in " + topology.dead() + ": " + e,
                e);
    }

    private static DeadLetter letter(GetResponse r) {
        AMQP.BasicProperties p = r.getProps();
        Map<String, Object> h = p.getHeaders();
        String reason = Messages.header(h, Topology.REASON);
        if (reason == null) {
            reason = "dead-lettered by the broker" + (Messages.header(h, "x-first-death-reason") == null ? ""
                    : " (" + Messages.header(h, "x-first-death-reason") + ")");
        }
        long cut = SizeLimitedFrames.cutFrom(p);
        if (cut >= 0) {
            reason += " [only its first " + r.getBody().length + " of " + cut + " bytes shown: more than this "
                    + "process takes (envelope.max-bytes); it cannot be sent back from here]";
        }
        long at = h != null && h.get(Topology.REJECTED_AT) instanceof Number n ? n.longValue()
                : p.getTimestamp() == null ? 0 : p.getTimestamp().getTime();
        return new DeadLetter(idOf(r), p.getMessageId() == null ? "" : p.getMessageId(), r.getBody(), reason,
                Messages.attempt(p), at);
    }

    /**
     * Whether a dead letter is all there, so that sending it back can run it: not one cut on its way
     * here ({@link SizeLimitedFrames}), nor a refused message of which the worker kept the first bytes only.
     */
    private static boolean whole(GetResponse r) {
        long refused = Messages.number(r.getProps().getHeaders(), Topology.REFUSED_BYTES);
        return SizeLimitedFrames.cutFrom(r.getProps()) < 0 && refused <= r.getBody().length;
    }

    /** The dead letter's id: the worker's {@code x-tasq-dead-id}, else a digest of its body (stable too). */
    static String idOf(GetResponse r) {
        String id = Messages.header(r.getProps().getHeaders(), Topology.DEAD_ID);
        if (id != null) {
            return id;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(r.getBody());
            return "sha-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
