package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * How many dead letters were dropped because {@code tasq.NAME.dead} was full, kept by the broker in
 * {@code tasq.NAME.dead.dropped}: each message there is a record of a number (header
 * {@value #COUNT}, empty body), and the count is their sum. So it outlives every worker, and every
 * worker of the queue adds to the same count.
 *
 * <p>Adding takes the records there are (unacknowledged, so no other worker sees them meanwhile),
 * publishes one record of their sum plus what is added, waits for the broker to confirm it, and only
 * then acknowledges the records it took. Two workers adding at once each take different records, so
 * the sum stays right, in two records; the next addition folds them into one. Limits: a worker lost
 * between the confirm and the acknowledgement counts the records it took twice (an overcount); one
 * that cannot reach the broker keeps what it has to add and tries again later; and whoever can
 * publish to the broker can publish records too, or purge them: the count is an operator's figure,
 * not a proof. Reading while a worker adds may miss the records that worker holds for that instant.
 *
 * <p>Thread-safe: each operation uses a channel of its own.
 */
final class DeadLetterTally {

    /** The header of a record: how many dead letters it counts. */
    static final String COUNT = "x-tasq-dropped";
    /** How many records the queue holds at most ({@code x-max-length}); adding keeps them to a few. */
    static final int MAX_RECORDS = 1_000;
    /** A record counts at most this many: a forged one cannot overflow the sum. */
    private static final long MAX_COUNT = 1L << 48;
    private static final long CONFIRM_MILLIS = 10_000;

    private final Topology topology;
    private final Connection connection;
    private volatile boolean declared;

    DeadLetterTally(Topology topology, Connection connection) {
        this.topology = topology;
        this.connection = connection;
    }

    /** Adds {@code n} dropped dead letters to the count. */
    void add(long n) throws IOException, TimeoutException, InterruptedException {
        declare();
        Channel ch = connection.createChannel();
        try {
            ch.confirmSelect();
            long sum = n;
            long last = -1;
            GetResponse r;
            for (int i = 0; i < MAX_RECORDS && (r = ch.basicGet(topology.dropped(), false)) != null; i++) {
                sum = Math.min(MAX_COUNT, sum + count(r.getProps()));
                last = r.getEnvelope().getDeliveryTag();
            }
            ch.basicPublish("", topology.dropped(), new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .headers(Map.of(COUNT, sum)).build(), new byte[0]);
            ch.waitForConfirmsOrDie(CONFIRM_MILLIS);
            if (last >= 0) {
                ch.basicAck(last, true);
            }
        } catch (IOException | ShutdownSignalException e) {
            declared = false; // the queue may be gone; declare it again next time
            throw e instanceof IOException io ? io : new IOException(e);
        } finally {
            close(ch); // what was taken and not acknowledged goes back
        }
    }

    /** The count: the sum of the records, looked at without taking them. */
    long read() throws IOException {
        declare();
        Channel ch = connection.createChannel();
        try {
            long sum = 0;
            GetResponse r;
            for (int i = 0; i < MAX_RECORDS && (r = ch.basicGet(topology.dropped(), false)) != null; i++) {
                sum = Math.min(Long.MAX_VALUE / 2, sum + count(r.getProps()));
            }
            return sum;
        } finally {
            AmqpConnections.forget(ch); // everything looked at goes back, in its place
        }
    }

    private void declare() throws IOException {
        if (!declared) {
            topology.declareDropped(connection);
            declared = true;
        }
    }

    /** A record's number, bounded; 0 for anything else found in the queue. */
    private static long count(AMQP.BasicProperties p) {
        return Math.max(0, Math.min(MAX_COUNT, Messages.number(p.getHeaders(), COUNT)));
    }

    private static void close(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // what was not acknowledged goes back anyway
        }
    }
}
