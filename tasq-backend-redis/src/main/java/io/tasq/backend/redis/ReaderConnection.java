package io.tasq.backend.redis;

import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The connection of one blocking reader (a worker's job reader, a client's result reader): its own,
 * never pooled, opened again after a failure, and known by its client id so that another thread
 * can end a blocked read with {@code CLIENT UNBLOCK} instead of cutting the socket (which could
 * lose a reply in flight). Its replies pass through a {@link ReplyGuard}, whose limits the reader sets
 * before each command ({@link #expect}). Thread-safe: the reader uses it, any thread may {@link #stop} it.
 */
final class ReaderConnection {

    private final RedisConnections connections;
    private volatile Jedis jedis;
    private volatile long id = -1;
    private volatile int epoch;
    private volatile ReplyGuard guard;

    /**
     * Connects at once, so that a bad address fails the caller.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    ReaderConnection(RedisConnections connections) {
        this.connections = connections;
        Jedis first = connections.open(g -> guard = g);
        this.epoch = connections.epoch();
        try {
            this.id = first.clientId();
        } catch (JedisException e) {
            first.close();
            throw connections.failure(e);
        }
        this.jedis = first;
    }

    /** The connection, opened again if it was dropped or the queue moved to another node of a cluster. */
    Jedis get() {
        if (jedis != null && epoch != connections.epoch()) {
            disconnect();
        }
        Jedis j = jedis;
        if (j == null) {
            epoch = connections.epoch();
            try {
                j = connections.open(g -> guard = g);
            } catch (RuntimeException e) {
                throw new JedisException(e.getMessage(), e);
            }
            id = j.clientId();
            jedis = j;
        }
        return j;
    }

    /**
     * The limits of the replies to come on this connection ({@link ReplyGuard}), until set again; a new
     * connection starts with {@link ReplyGuard.Limits#SMALL}. Call it after {@link #get}.
     */
    void expect(ReplyGuard.Limits limits) {
        ReplyGuard g = guard;
        if (g != null) {
            g.expect(limits);
        }
    }

    /** The limits of a pipeline's replies to come, one each in order; the last stay. */
    void expect(ReplyGuard.Limits first, ReplyGuard.Limits... next) {
        ReplyGuard g = guard;
        if (g != null) {
            g.expect(first, next);
        }
    }

    /** Whether {@code e} is a reply broken off by the guard for announcing more than expected. */
    static boolean exceeded(Throwable e) {
        return over(e) != null;
    }

    /** The guard's refusal behind {@code e}, or {@code null}. */
    static ReplyGuard.Exceeded over(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ReplyGuard.Exceeded x) {
                return x;
            }
        }
        return null;
    }

    /**
     * After an error answered to a read: on a cluster, one that says the queue may have moved drops the
     * connection, so that {@link #get} reconnects to the master found anew.
     *
     * @return whether the error may go away by itself (the read should be tried again after a pause)
     */
    boolean refused(JedisDataException e) {
        if (connections.retryable(e)) {
            drop();
            return true;
        }
        return false;
    }

    /** Closes the connection after a failure; {@link #get} opens a new one (on a cluster, to the master found anew). */
    void drop() {
        connections.suspect();
        disconnect();
    }

    private void disconnect() {
        Jedis j = jedis;
        jedis = null;
        id = -1;
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException e) {
                // already broken
            }
        }
    }

    /** Ends a blocked read, if there is one, as if it had timed out. */
    void unblock() {
        connections.unblock(id);
    }

    /** Unblocks {@code reader} until it has ended (it must check its own stop flag), then drops the connection. */
    void stop(Thread reader) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reader != null && reader.isAlive() && System.nanoTime() < deadline) {
            unblock(); // repeated: the reader may have been between two reads the first time
            try {
                reader.join(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        drop();
    }
}
