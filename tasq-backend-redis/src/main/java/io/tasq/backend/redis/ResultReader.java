package io.tasq.backend.redis;

import io.tasq.spi.ResultListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads one client's result list on a connection of its own: takes up to {@value #BATCH} waiting
 * results at once ({@code LPOP} with a count) and blocks ({@code BLPOP}) only when there are none.
 * Reconnects with backoff when the server goes away; the results wait in Redis meanwhile. Closing
 * ends the blocked read with {@code CLIENT UNBLOCK}, so no popped result is cut off in flight.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
final class ResultReader {

    private static final Logger LOG = LoggerFactory.getLogger(ResultReader.class);
    private static final int BATCH = 256;

    private final Connections connections;
    private final byte[] key;
    private final String clientId;
    private final ResultListener listener;
    private final byte[] blockSeconds;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Jedis connection;
    private volatile long connectionId = -1;

    /**
     * Opens the connection at once, so that an unreachable server fails the caller.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    ResultReader(Connections connections, byte[] key, String clientId, ResultListener listener, long blockMillis) {
        this.connections = connections;
        this.key = key;
        this.clientId = clientId;
        this.listener = listener;
        this.blockSeconds = Keys.bytes(Double.toString(blockMillis / 1000.0));
        Jedis first = connections.open();
        this.connection = first;
        try {
            this.connectionId = first.clientId();
        } catch (JedisException e) {
            first.close();
            throw connections.failure(e);
        }
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
                Jedis j = connection();
                List<byte[]> results = take(j);
                if (backoff.failing()) {
                    LOG.info("client {} reads its results from {} again", clientId, connections.url());
                    backoff.reset();
                }
                for (byte[] r : results) {
                    try {
                        listener.onResult(r);
                    } catch (RuntimeException e) {
                        LOG.error("the result listener of client {} failed", clientId, e);
                    }
                }
            } catch (JedisDataException e) {
                if (!backoff.failing()) {
                    LOG.error("client {}: Redis refused to give its results: {}", clientId, e.getMessage());
                }
                if (!backoff.pause(() -> running)) {
                    break;
                }
            } catch (JedisException e) {
                if (!running) {
                    break;
                }
                drop();
                if (!backoff.failing()) {
                    LOG.warn("client {} lost {} while waiting for results ({}); reconnecting, the results wait there",
                            clientId, connections.url(), Connections.message(e));
                }
                if (!backoff.pause(() -> running)) {
                    break;
                }
            }
        }
        drop();
    }

    /** The waiting results, or the next one to arrive; empty after the block time or an unblock. */
    private List<byte[]> take(Jedis j) {
        Object many = j.sendCommand(Protocol.Command.LPOP, key, Keys.bytes(Integer.toString(BATCH)));
        if (many instanceof List<?> list && !list.isEmpty()) {
            List<byte[]> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (o instanceof byte[] b) {
                    out.add(b);
                }
            }
            return out;
        }
        if (!running) {
            return List.of();
        }
        Object one = j.sendCommand(Protocol.Command.BLPOP, key, blockSeconds);
        if (one instanceof List<?> pair && pair.size() == 2 && pair.get(1) instanceof byte[] b) {
            return List.of(b);
        }
        return List.of();
    }

    private Jedis connection() {
        Jedis j = connection;
        if (j == null) {
            try {
                j = connections.open();
            } catch (RuntimeException e) {
                throw new JedisException(e.getMessage(), e);
            }
            connection = j;
            connectionId = j.clientId();
        }
        return j;
    }

    private void drop() {
        Jedis j = connection;
        connection = null;
        connectionId = -1;
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException e) {
                // already broken
            }
        }
    }

    /** Stops reading; results not yet taken stay in Redis for the next client with this id. */
    void close() {
        running = false;
        if (!thread.isAlive()) {
            drop();
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.isAlive() && System.nanoTime() < deadline) {
            connections.unblock(connectionId);
            try {
                thread.join(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
