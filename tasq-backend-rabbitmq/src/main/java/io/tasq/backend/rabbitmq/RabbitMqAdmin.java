package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What {@code tq inspect} and the dashboard ask of a RabbitMQ queue. The live workers answer a
 * request published to the fanout exchange {@code tasq.NAME.presence} (see {@link Presence})
 * within {@link #ANSWER_MILLIS} (or until {@link #QUIET_MILLIS} pass without another answer); the depths are the broker's message counts of the job and
 * dead-letter queues (a passive declaration). Jobs delivered but not acknowledged, and delayed
 * jobs, are not counted by AMQP: they are reported unknown. Uses a worker's connection where the
 * backend has one, else opens its own on first use.
 *
 * <p>Thread-safe.
 */
final class RabbitMqAdmin implements QueueAdmin, AutoCloseable {

    /** How long workers have to answer. */
    static final long ANSWER_MILLIS = 1_000;
    /** Once some answered, how long a silence ends the wait: workers answer within milliseconds. */
    static final long QUIET_MILLIS = 200;
    /** The most workers one listing takes: answers are unsigned, and a flood must not fill the tool's memory. */
    static final int MAX_WORKERS = 10_000;

    private final RabbitMqSettings settings;
    private final Topology topology;
    private final java.util.function.Supplier<Connection> shared;
    private Connection connection;

    /**
     * @param shared a connection this backend has open already (a worker's), or null: used rather
     *     than opening one more
     */
    RabbitMqAdmin(RabbitMqSettings settings, Topology topology, java.util.function.Supplier<Connection> shared) {
        this.settings = settings;
        this.topology = topology;
        this.shared = shared;
    }

    private synchronized Connection connection() {
        Connection open = shared.get();
        if (open != null && open.isOpen()) {
            return open;
        }
        if (connection == null) {
            connection = AmqpConnections.open(settings, "tasq " + settings.name() + " admin");
        }
        return connection;
    }

    @Override
    public List<WorkerInfo> workers() {
        String id = UUID.randomUUID().toString();
        // a worker's heartbeat, and whether it was fresh when it arrived (not after the wait)
        Map<String, WorkerInfo> answers = new LinkedHashMap<>();
        long[] lastAnswer = {0};
        Channel ch = channel();
        try {
            ch.basicConsume(LeaderQueue.DIRECT_REPLY, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                    if (id.equals(p.getCorrelationId())) {
                        try {
                            WorkerInfo w = io.tasq.internal.WorkerInfoCodec.decode(body);
                            if (w.liveAt(System.currentTimeMillis())) {
                                synchronized (answers) {
                                    if (answers.size() >= MAX_WORKERS && !answers.containsKey(w.workerId())) {
                                        return; // anyone who can publish to the broker can answer: bounded
                                    }
                                    answers.put(w.workerId(), w);
                                    lastAnswer[0] = System.nanoTime();
                                }
                            }
                        } catch (RuntimeException e) {
                            // not a heartbeat: not a worker of ours
                        }
                    }
                }
            });
            ch.basicPublish(topology.presence(), "", new AMQP.BasicProperties.Builder().correlationId(id)
                    .replyTo(LeaderQueue.DIRECT_REPLY).build(), new byte[0]);
            ch.basicQos(0); // a round trip: the publish above reached the broker, or the exchange is missing
            long deadline = System.nanoTime() + ANSWER_MILLIS * 1_000_000;
            while (System.nanoTime() < deadline) {
                Thread.sleep(20);
                synchronized (answers) {
                    if (lastAnswer[0] != 0 && System.nanoTime() - lastAnswer[0] > QUIET_MILLIS * 1_000_000) {
                        break;
                    }
                }
            }
        } catch (IOException | ShutdownSignalException e) {
            if (notFound(e)) {
                return List.of(); // no worker ever declared the exchange, or the last one is gone
            }
            throw new BackendUnavailableException("cannot ask the workers of " + settings + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            AmqpConnections.forget(ch);
        }
        List<WorkerInfo> live;
        synchronized (answers) {
            live = new ArrayList<>(answers.values());
        }
        live.sort(Comparator.comparing(WorkerInfo::workerId));
        return live;
    }

    @Override
    public QueueStats stats() {
        return new QueueStats(count(topology.jobs()), -1, -1, count(topology.dead()));
    }

    /** The ready messages of {@code queue}, asked with a passive declaration. */
    private long count(String queue) {
        Channel ch = channel();
        try {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException | ShutdownSignalException e) {
            if (notFound(e)) {
                throw new ConfigurationException("there is no queue '" + queue + "' on " + settings
                        + ": no client or worker has used the Tasq queue '" + settings.name() + "' there");
            }
            throw new BackendUnavailableException("cannot read the depth of " + queue + " on " + settings + ": " + e, e);
        } finally {
            AmqpConnections.forget(ch);
        }
    }

    private Channel channel() {
        try {
            return connection().createChannel();
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot open a channel to " + settings + ": " + e, e);
        }
    }

    private static boolean notFound(Exception e) {
        ShutdownSignalException s = AmqpConnections.shutdownCause(e);
        return s != null && !s.isHardError() && s.getReason() instanceof AMQP.Channel.Close close
                && close.getReplyCode() == 404;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            AmqpConnections.quietlyClose(connection);
            connection = null;
        }
    }
}
