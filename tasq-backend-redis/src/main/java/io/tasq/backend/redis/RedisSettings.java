package io.tasq.backend.redis;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Limits;
import io.tasq.spi.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Redis backend's configuration, from the URL
 * {@code redis[s]://[user:password@]host[:port][/db][?name=QUEUE]} (one server) or
 * {@code redis[s]-cluster://[user:password@]host[:port][,host[:port]...][?name=QUEUE]} (a Redis
 * Cluster, reached through any of the nodes named) and the {@code redis.*} settings. Immutable.
 *
 * @param tls whether to connect over TLS ({@code rediss://}, {@code rediss-cluster://})
 * @param cluster whether the URL names nodes of a Redis Cluster ({@code redis-cluster://})
 * @param nodes the servers named in the URL: one, or for a cluster the nodes to learn its slot map from
 * @param host the (first) server's host
 * @param port the (first) server's port
 * @param user the ACL user, or {@code null} for the default user
 * @param password the password, or {@code null} for none
 * @param database the logical database number
 * @param queue the queue name, the hash tag of every key the queue uses
 * @param visibilityTimeout how long a delivered job may go without word from its worker before
 *     another worker may take it
 * @param resultTtl how long results wait for a client that is away
 * @param maxHeldResults the most results kept for one client that is away; 0 for no limit
 * @param maxAttempts deliveries after which a job that was never settled goes to the dead letters;
 *     0 for no limit
 * @param deadLetterMax about how many dead letters are kept per queue
 * @param poolSize the most pooled connections per backend
 * @param timeout the connect and read timeout
 * @param tlsCa a PEM file of certificates to trust for TLS, or {@code null} for the JVM's trust store
 * @param maxEnvelopeBytes the largest payload or code bundle of an envelope ({@code envelope.max-bytes},
 *     {@link Limits#maxEnvelopeBytes}); a stream entry whose body is over
 *     {@link Limits#maxMessageBytes} of it is refused before a worker receives it
 * @param replayWindow how long, at most, the queue remembers a job taken (one key per job, until the
 *     job's expiry or this, whichever comes first), so that any worker refuses a copy of it; zero
 *     leaves it to each worker's own memory
 */
record RedisSettings(boolean tls, boolean cluster, List<BackendUri.HostPort> nodes, String host, int port, String user,
        String password, int database, String queue, Duration visibilityTimeout, Duration resultTtl, int maxHeldResults,
        int maxAttempts, int deadLetterMax, int poolSize, Duration timeout, Path tlsCa, int maxEnvelopeBytes,
        Duration replayWindow) {

    static final int DEFAULT_PORT = 6379;
    static final String DEFAULT_QUEUE = "default";
    static final Set<String> KEYS = Set.of("redis.visibility-timeout", "redis.result-ttl", "redis.max-held-results",
            "redis.max-attempts", "redis.dead-letter-max", "redis.pool-size", "redis.timeout", "redis.tls-ca",
            "redis.replay-window");
    static final Set<String> PARAMS = Set.of("name");
    static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-cluster", "rediss-cluster");

    /** Letters, digits and {@code . _ - :}: no braces (they delimit the hash tag), no spaces. */
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    static RedisSettings from(BackendUri uri, Settings settings) {
        for (String key : settings.keys()) {
            if (key.startsWith("redis.") && !KEYS.contains(key)) {
                throw new ConfigurationException("unknown setting '" + key + "' (from " + settings.sourceOf(key)
                        + "); the Redis backend knows " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        for (String p : uri.params().keySet()) {
            if (!PARAMS.contains(p)) {
                throw new ConfigurationException("unknown parameter '" + p + "' in " + uri
                        + "; the Redis backend knows name (the queue), as in redis://localhost:6379/0?name=jobs");
            }
        }
        if (!SCHEMES.contains(uri.scheme())) {
            throw new ConfigurationException("the Redis backend serves redis://, rediss://, redis-cluster:// and "
                    + "rediss-cluster://, not " + uri);
        }
        boolean tls = uri.scheme().startsWith("rediss");
        boolean cluster = uri.scheme().endsWith("-cluster");
        if (!cluster && uri.hosts().size() > 1) {
            throw new ConfigurationException("the Redis backend takes one host:port, got " + uri.hosts().size()
                    + " in " + uri + "; for the nodes of a Redis Cluster write " + (tls ? "rediss" : "redis")
                    + "-cluster://host:port,host:port,...");
        }
        if (cluster && uri.hosts().isEmpty()) {
            throw new ConfigurationException("no node in " + uri + "; name at least one node of the Redis Cluster, "
                    + "as in redis-cluster://10.0.0.1:7000,10.0.0.2:7000?name=jobs");
        }
        List<BackendUri.HostPort> nodes = uri.hosts().isEmpty() ? List.of(uri.host("localhost", DEFAULT_PORT))
                : uri.hosts().stream().map(h -> h.withDefaultPort(DEFAULT_PORT)).toList();
        BackendUri.HostPort hp = nodes.get(0);
        String queue = uri.param("name").orElse(DEFAULT_QUEUE);
        if (!QUEUE_NAME.matcher(queue).matches()) {
            throw new ConfigurationException("queue name '" + queue + "' in " + uri + " is not allowed: use 1 to 200 "
                    + "letters, digits, '.', '_', '-' or ':'");
        }
        Duration visibility = settings.getDuration("redis.visibility-timeout", Duration.ofSeconds(30));
        if (visibility.toMillis() < 100) {
            throw settings.bad("redis.visibility-timeout", settings.get("redis.visibility-timeout", ""),
                    "is too short; use at least 100ms");
        }
        Duration ttl = settings.getDuration("redis.result-ttl", Duration.ofHours(1));
        if (ttl.toMillis() < 1) {
            throw settings.bad("redis.result-ttl", settings.get("redis.result-ttl", ""), "must be at least 1ms");
        }
        Duration timeout = settings.getDuration("redis.timeout", Duration.ofSeconds(5));
        if (timeout.toMillis() < 100 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw settings.bad("redis.timeout", settings.get("redis.timeout", ""), "is out of range; use 100ms or more");
        }
        Path ca = settings.get("redis.tls-ca").map(String::strip).map(Path::of).orElse(null);
        if (ca != null && !uri.scheme().startsWith("rediss")) {
            throw new ConfigurationException("setting 'redis.tls-ca' (from " + settings.sourceOf("redis.tls-ca")
                    + ") is for TLS, but " + uri + " is not TLS; use rediss:// or rediss-cluster://");
        }
        int database = database(uri);
        if (cluster && database != 0) {
            throw new ConfigurationException("a Redis Cluster has only database 0, not " + database + " (" + uri
                    + "); leave the /DB out");
        }
        return new RedisSettings(tls, cluster, nodes, hp.host(), hp.port(), uri.user().filter(u -> !u.isEmpty())
                .orElse(null), uri.password().orElse(null), database, queue, visibility, ttl,
                settings.getInt("redis.max-held-results", 100_000, 0, Integer.MAX_VALUE),
                settings.getInt("redis.max-attempts", 10, 0, Integer.MAX_VALUE),
                settings.getInt("redis.dead-letter-max", 10_000, 1, Integer.MAX_VALUE),
                settings.getInt("redis.pool-size", 8, 2, 1_000), timeout, ca, Limits.maxEnvelopeBytes(settings),
                settings.getDuration("redis.replay-window", Duration.ofHours(1)));
    }

    private static int database(BackendUri uri) {
        String path = uri.path();
        if (path.isEmpty()) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path);
            if (db >= 0) {
                return db;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException("'" + path + "' in " + uri + " is not a database number; write "
                + "redis://host:port/DB with DB a number from 0, or leave it out for 0");
    }

    /** The largest body a stream entry may have to reach a worker: an envelope of the largest size. */
    long maxBodyBytes() {
        return Limits.maxMessageBytes(maxEnvelopeBytes);
    }

    /** The server, as {@code host:port}, or the cluster's nodes named in the URL, for messages. */
    String address() {
        return String.join(",", nodes.stream().map(BackendUri.HostPort::toString).toList());
    }

    /** The user the credentials are for, for messages. */
    Optional<String> userName() {
        return Optional.ofNullable(user);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "RedisSettings{" + (tls ? "rediss" : "redis") + (cluster ? "-cluster://" : "://")
                + (user != null ? user + "@" : "") + address() + "/"
                + database + "?name=" + queue + (password != null ? ", password ****" : "") + ", visibility-timeout="
                + visibilityTimeout + ", result-ttl=" + resultTtl + ", max-held-results=" + maxHeldResults
                + ", max-attempts=" + maxAttempts + ", dead-letter-max=" + deadLetterMax + ", pool-size=" + poolSize
                + ", timeout=" + timeout + (tlsCa != null ? ", tls-ca=" + tlsCa : "") + ", envelope.max-bytes="
                + maxEnvelopeBytes + "}";
    }
}
