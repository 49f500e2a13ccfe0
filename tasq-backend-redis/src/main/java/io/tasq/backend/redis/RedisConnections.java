package io.tasq.backend.redis;

import io.tasq.BackendUnavailableException;
import io.tasq.TasqException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The connections of one backend: a pool shared by everything that sends commands and returns at
 * once (submitting, settling, upkeep), and dedicated connections for the blocking reads, so that a
 * blocked read never holds a connection anyone else needs. Every connection speaks RESP2, which the
 * raw replies are read as.
 *
 * <p>On a Redis Cluster ({@code redis-cluster://}) all of them go to the master that serves the
 * queue's slot, found by a {@link ClusterRoute}. A failure that may mean the queue has moved (a lost
 * connection, {@code MOVED}, {@code CLUSTERDOWN}, {@code READONLY}) marks the route stale; the next
 * connection asks the cluster again and, if the master changed, the pool is made anew for the new one
 * and readers reconnect ({@link #epoch()}). Callers keep their own retry and backoff. Thread-safe.
 */
final class RedisConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);

    /** The least time between two lookups of the cluster's slot map, so many failing threads ask once. */
    private static final long LOOKUP_GAP_NANOS = 50_000_000;

    private final RedisSettings settings;
    private final String url;
    private final JedisClientConfig config;
    private final ClusterRoute route;
    private volatile HostAndPort address;
    private volatile boolean stale;
    private volatile int epoch;
    private long lookedUp;
    private ConnectionPool pool;
    private boolean closed;

    RedisConnections(RedisSettings settings, String url) {
        this.settings = settings;
        this.url = url;
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .protocol(RedisProtocol.RESP2)
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .database(settings.database())
                .clientName("tasq:" + settings.queue())
                .user(settings.user())
                .password(settings.password());
        if (settings.tls()) {
            b.sslOptions(TlsTrust.options(settings));
        }
        this.config = b.build();
        if (settings.cluster()) {
            this.route = new ClusterRoute(settings.nodes().stream().map(h -> new HostAndPort(h.host(), h.port()))
                    .toList(), config, settings.queue());
        } else {
            this.route = null;
            this.address = new HostAndPort(settings.host(), settings.port());
        }
    }

    /**
     * The server the queue lives on: the one of the URL, or on a cluster the master of the queue's
     * slot, looked up first and again after a failure marked it stale.
     *
     * @throws JedisException if the cluster cannot tell (no node answers, no master for the slot)
     */
    HostAndPort address() {
        HostAndPort a = address;
        if (route == null || (a != null && !stale)) {
            return a;
        }
        ConnectionPool old = null;
        synchronized (this) {
            a = address;
            if (a != null && (!stale || System.nanoTime() - lookedUp < LOOKUP_GAP_NANOS)) {
                return a;
            }
            lookedUp = System.nanoTime();
            HostAndPort found = route.master(a);
            stale = false;
            if (!found.equals(a)) {
                if (a == null) {
                    LOG.debug("queue {} (slot {}) is served by {}", settings.queue(), route.slot(), found);
                } else {
                    LOG.info("queue {} (slot {}) moved from {} to {}; reconnecting", settings.queue(), route.slot(), a,
                            found);
                }
                address = found;
                epoch++;
                old = pool;
                pool = null;
            }
            a = found;
        }
        if (old != null) {
            old.close();
        }
        return a;
    }

    /** Counts the changes of {@link #address()}: a reader whose connection is older reconnects. */
    int epoch() {
        return epoch;
    }

    /** After a failure that may mean the queue moved to another node: the next connection looks again. */
    void suspect() {
        if (route != null) {
            stale = true;
        }
    }

    /**
     * Whether an error answered to a command may go away by itself, so the command should be sent
     * again (after a pause); on a cluster, such an error also marks the route stale.
     */
    boolean retryable(JedisDataException e) {
        if (!RedisErrors.isTransient(e)) {
            return false;
        }
        suspect();
        return true;
    }

    /** On a cluster, the queue's slot and the master serving it as last found, for messages; else empty. */
    Optional<String> node() {
        HostAndPort a = address;
        return route == null || a == null ? Optional.empty() : Optional.of("slot " + route.slot() + " of master " + a);
    }

    /** What the backend talks to, for messages: the server, or the cluster and the node in use. */
    String where() {
        if (route == null) {
            return "Redis at " + settings.address();
        }
        HostAndPort a = address;
        return "the Redis Cluster at " + settings.address() + (a != null ? " (node " + a + ")" : "");
    }

    /** The settings these connections were made for. */
    RedisSettings settings() {
        return settings;
    }

    /** The URL, password masked, for messages. */
    String url() {
        return url;
    }

    /**
     * A new connection of its own, for a blocking read, whose replies pass through a {@link ReplyGuard}
     * with {@link ReplyGuard.Limits#SMALL} limits until its reader sets others.
     *
     * @param guard told of the connection's guard (or {@code null})
     * @throws TasqException naming the address if the server cannot be reached or refuses the
     *     credentials or database
     */
    Jedis open(java.util.function.Consumer<ReplyGuard> guard) {
        try {
            return new Jedis(new GuardedSocket.Factory(address(), config, () -> ReplyGuard.Limits.SMALL, guard), config);
        } catch (JedisException e) {
            throw failure(e);
        }
    }

    /**
     * A connection with no guard, for a look inside that trusts what it reads (the tests' own): never
     * for reading what others may have written.
     */
    Jedis openUnguarded() {
        try {
            return new Jedis(address(), config);
        } catch (JedisException e) {
            throw failure(e);
        }
    }

    /**
     * What a pooled connection accepts: no string longer than the largest value the backend writes (an
     * envelope and its fields), however large a reply; so a key filled by someone else cannot make a
     * client, worker or operator command allocate more than that at once.
     */
    private ReplyGuard.Limits pooled() {
        return new ReplyGuard.Limits(settings.maxBodyBytes() + Entries.MAX_OTHER_BYTES, 1 << 22, Long.MAX_VALUE);
    }

    /** A pooled connection; {@link Jedis#close()} gives it back. Throws Jedis's own exceptions. */
    Jedis borrow() {
        return new Jedis(pool().getResource());
    }

    /**
     * Drops the idle pooled connections, after a failure showed they may all be dead (a restart); on a
     * cluster, also looks the queue's master up again at the next connection.
     */
    void clearIdle() {
        suspect();
        ConnectionPool p;
        synchronized (this) {
            p = pool;
        }
        if (p != null) {
            p.clear();
        }
    }

    /** Ends the blocking command of the connection {@code clientId} as if it timed out. Best effort. */
    void unblock(long clientId) {
        if (clientId < 0) {
            return;
        }
        try (Jedis j = borrow()) {
            j.sendCommand(Protocol.Command.CLIENT, Keys.bytes("UNBLOCK"), Keys.bytes(Long.toString(clientId)),
                    Keys.bytes("TIMEOUT"));
        } catch (JedisException e) {
            // the server is away, so the blocked read fails by itself
        }
    }

    private ConnectionPool pool() {
        address(); // looks the master up if it is not known or stale
        synchronized (this) {
            return pool(address); // the current one: a change of address under this lock drops the pool
        }
    }

    private ConnectionPool pool(HostAndPort a) {
        if (closed) {
            throw new JedisConnectionException("the Redis backend for " + url + " is closed");
        }
        if (pool == null) {
            ConnectionPoolConfig pc = new ConnectionPoolConfig();
            pc.setMaxTotal(settings.poolSize());
            pc.setMaxIdle(settings.poolSize());
            pc.setMinIdle(0);
            pc.setBlockWhenExhausted(true);
            pc.setMaxWait(settings.timeout());
            ReplyGuard.Limits limits = pooled();
            pool = new ConnectionPool(new redis.clients.jedis.ConnectionFactory(
                    new GuardedSocket.Factory(a, config, () -> limits, null), config), pc);
        }
        return pool;
    }

    /**
     * A Tasq exception for a failure to connect, naming the address and what to check (see
     * {@link RedisErrors#failure}); on a cluster, the next connection looks the queue's master up again.
     */
    TasqException failure(JedisException e) {
        suspect();
        return RedisErrors.failure(e, settings, url, where());
    }

    @Override
    public void close() {
        ConnectionPool p;
        synchronized (this) {
            closed = true;
            p = pool;
            pool = null;
        }
        if (p != null) {
            p.close();
        }
    }

    /**
     * Runs {@code call} on a pooled connection, and again while Redis cannot be reached or is not
     * ready, until it succeeds or {@code open} turns false. An error that waiting cannot mend is thrown.
     */
    <T> T retrying(String workerId, String what, java.util.function.BooleanSupplier open,
            java.util.function.Function<Jedis, T> call) {
        Backoff backoff = new Backoff();
        while (true) {
            try (Jedis j = borrow()) {
                T result = call.apply(j);
                if (backoff.failing()) {
                    LOG.info("worker {} could {} after {} attempt(s): {} is back", workerId, what,
                            backoff.failures() + 1, url());
                }
                return result;
            } catch (JedisException e) {
                if (e instanceof JedisDataException d && !retryable(d)) {
                    throw failure(e);
                }
                if (open.getAsBoolean()) {
                    clearIdle();
                }
                if (!backoff.failing()) {
                    LOG.warn("worker {} cannot {} in {} ({}); trying again until it can", workerId, what,
                            url(), RedisErrors.message(e));
                }
                if (!backoff.pause(open)) {
                    throw new BackendUnavailableException("worker " + workerId + " could not " + what + ": "
                            + (open.getAsBoolean() ? "interrupted" : "it is closing") + " while " + url()
                            + " could not be reached (" + RedisErrors.message(e) + ")", e);
                }
            }
        }
    }
}
