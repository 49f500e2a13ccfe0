package io.tasq.backend.redis;

import io.tasq.spi.ResultListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads one client's result stream on a connection of its own, without taking anything away until
 * it has the results in hand: {@code XREAD} (blocking when there is nothing new) from the last entry
 * it has seen, then {@code XDEL} of what it handed to the listener. A reply lost with the
 * connection (a server killed after it answered) is therefore read again, never lost; a result seen
 * twice is dropped by the client. Reconnects with backoff when the server goes away; closing ends
 * the blocked read with {@code CLIENT UNBLOCK}.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
final class RedisResultReader {

    private static final Logger LOG = LoggerFactory.getLogger(RedisResultReader.class);
    private static final int BATCH = 256;
    private static final byte[] BATCH_BYTES = Keys.bytes(Integer.toString(BATCH));

    private final RedisConnections connections;
    private final byte[] key;
    private final String clientId;
    private final ResultListener listener;
    private final byte[] blockMillis;
    private final Thread thread;
    private volatile boolean running = true;
    private final ReaderConnection connection;
    /** What a read of results may answer: no value over an envelope, no entry of many fields. */
    private final ReplyGuard.Limits limits;
    private String lastSeen = "0-0"; // the reader thread's: where the next XREAD starts

    /**
     * Opens the connection at once, so that an unreachable server fails the caller.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    RedisResultReader(RedisConnections connections, byte[] key, String clientId, ResultListener listener, long blockMillis) {
        this.connections = connections;
        this.key = key;
        this.clientId = clientId;
        this.listener = listener;
        this.blockMillis = Keys.bytes(Long.toString(blockMillis));
        this.connection = new ReaderConnection(connections);
        long largest = connections.settings().maxBodyBytes() + Entries.MAX_OTHER_BYTES;
        this.limits = new ReplyGuard.Limits(largest, BATCH + 2L * Entries.MAX_FIELDS, Long.MAX_VALUE);
        this.thread = new Thread(this::loop, "tasq-redis-results-" + clientId);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        Backoff backoff = new Backoff();
        while (running) {
            try {
                Jedis j = connection.get();
                List<Entries.Entry> results = take(j);
                if (backoff.failing()) {
                    LOG.info("client {} reads its results from {} again", clientId, connections.url());
                    backoff.reset();
                }
                if (results.isEmpty()) {
                    continue;
                }
                for (Entries.Entry r : results) {
                    byte[] body = r.body();
                    if (body == null) {
                        LOG.warn("client {} skipped entry {} of its result stream: it has no body", clientId, r.id());
                        continue;
                    }
                    try {
                        listener.onResult(body);
                    } catch (RuntimeException e) {
                        LOG.error("the result listener of client {} failed", clientId, e);
                    }
                }
                lastSeen = results.get(results.size() - 1).id();
                forget(j, results);
            } catch (JedisDataException e) {
                boolean passing = connection.refused(e); // MOVED on a cluster: reconnect to the new master
                if (!backoff.failing() && passing) {
                    LOG.warn("client {}: {} cannot give its results now ({}); trying again", clientId,
                            connections.url(), e.getMessage());
                } else if (!backoff.failing()) {
                    LOG.error("client {}: Redis refused to give its results: {}", clientId, e.getMessage());
                }
                if (!backoff.pause(() -> running)) {
                    break;
                }
            } catch (JedisException e) {
                if (!running) {
                    break;
                }
                connection.drop();
                if (ReaderConnection.exceeded(e) && sweep(e) > 0) {
                    continue;
                }
                if (!backoff.failing()) {
                    LOG.warn("client {} lost {} while waiting for results ({}); reconnecting, the results wait there",
                            clientId, connections.url(), RedisErrors.message(e));
                }
                if (!backoff.pause(() -> running)) {
                    break;
                }
            }
        }
        connection.drop();
    }

    /** The next results, waiting for them up to the block time; empty after it or an unblock. */
    private List<Entries.Entry> take(Jedis j) {
        if (!running) {
            return List.of();
        }
        connection.expect(limits);
        Object reply = j.sendCommand(Protocol.Command.XREAD, Keys.bytes("COUNT"), BATCH_BYTES,
                Keys.bytes("BLOCK"), blockMillis, Keys.bytes("STREAMS"), key, Keys.bytes(lastSeen));
        connection.expect(ReplyGuard.Limits.SMALL);
        return Entries.fromRead(reply);
    }

    /**
     * The guard broke off a read of results for holding more than a result can be: someone else wrote
     * it into this client's stream. Such entries are deleted, so that the next read gets the rest.
     */
    private long sweep(JedisException e) {
        try (Jedis j = connections.borrow()) {
            long n = (Long) Script.RESULT_SWEEP.run(j, List.of(key), List.of(Keys.bytes(lastSeen),
                    Keys.bytes(Long.toString(limits.bulk())), Keys.bytes(Integer.toString(Entries.MAX_FIELDS)),
                    BATCH_BYTES));
            LOG.warn("client {} deleted {} entr{} of its result stream over the limits of a result ({})", clientId, n,
                    n == 1 ? "y" : "ies", RedisErrors.message(e));
            return n;
        } catch (JedisException again) {
            LOG.debug("client {} could not clean its result stream: {}", clientId, again.getMessage());
            return 0;
        }
    }

    /** Deletes the results handed over; if that fails they are only read again by a later reader. */
    private void forget(Jedis j, List<Entries.Entry> done) {
        byte[][] args = new byte[done.size() + 1][];
        args[0] = key;
        for (int i = 0; i < done.size(); i++) {
            args[i + 1] = Keys.bytes(done.get(i).id());
        }
        j.sendCommand(Protocol.Command.XDEL, args);
    }

    /** Stops reading; results not yet read stay in Redis for the next client with this id. */
    void close() {
        running = false;
        connection.stop(thread);
    }
}
