package io.tasq.backend.redis;

import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.TasqException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The connections of one backend: a pool shared by everything that sends commands and returns at
 * once (submitting, settling, upkeep), and dedicated connections for the blocking reads, so that a
 * blocked read never holds a connection anyone else needs. Every connection speaks RESP2, which the
 * raw replies are read as. Thread-safe.
 */
final class Connections implements AutoCloseable {

    private final RedisSettings settings;
    private final String url;
    private final HostAndPort address;
    private final JedisClientConfig config;
    private ConnectionPool pool;
    private boolean closed;

    Connections(RedisSettings settings, String url) {
        this.settings = settings;
        this.url = url;
        this.address = new HostAndPort(settings.host(), settings.port());
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
            // FULL: the server's certificate must chain to a trusted CA and name the host
            SslOptions.Builder tls = SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL);
            if (settings.tlsCa() != null) {
                char[] password = "tasq".toCharArray(); // protects nothing: the store holds public certificates
                byte[] store = trustStore(settings, password);
                tls.truststore(() -> new ByteArrayInputStream(store), password).trustStoreType("PKCS12");
            }
            b.sslOptions(tls.build());
        }
        this.config = b.build();
    }

    /** The URL, password masked, for messages. */
    String url() {
        return url;
    }

    /**
     * A new connection of its own, for a blocking read.
     *
     * @throws TasqException naming the address if the server cannot be reached or refuses the
     *     credentials or database
     */
    Jedis open() {
        try {
            return new Jedis(address, config);
        } catch (JedisException e) {
            throw failure(e);
        }
    }

    /** A pooled connection; {@link Jedis#close()} gives it back. Throws Jedis's own exceptions. */
    Jedis borrow() {
        return new Jedis(pool().getResource());
    }

    /** Drops the idle pooled connections, after a failure showed they may all be dead (a restart). */
    void clearIdle() {
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

    private synchronized ConnectionPool pool() {
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
            pool = new ConnectionPool(address, config, pc);
        }
        return pool;
    }

    /** A Tasq exception for a failure to connect, naming the address and what to check. */
    TasqException failure(JedisException e) {
        String why = message(e);
        String upper = why.toUpperCase(Locale.ROOT);
        if (e instanceof JedisAccessControlException || upper.startsWith("WRONGPASS") || upper.startsWith("NOAUTH")
                || upper.startsWith("NOPERM")) {
            return new ConfigurationException("Redis at " + settings.address() + " (" + url + ") refused the credentials"
                    + settings.userName().map(u -> " of user '" + u + "'").orElse("") + ": " + why
                    + "; put the right ones in the URL, as redis://user:password@host:port", e);
        }
        if (e instanceof JedisDataException && upper.contains("DB INDEX")) {
            return new ConfigurationException("Redis at " + settings.address() + " has no database "
                    + settings.database() + " (" + url + "): " + why, e);
        }
        if (e instanceof JedisDataException d && isTransient(d)) {
            return new BackendUnavailableException("Redis at " + settings.address() + " (" + url + ") is not ready: "
                    + why + "; try again in a moment", e);
        }
        if (e instanceof JedisDataException) {
            return new TasqException("Redis at " + settings.address() + " (" + url + ") answered with an error: " + why
                    + "; is another program using the keys tasq:{" + settings.queue() + "}:*?", e);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException) {
                return new BackendUnavailableException("the TLS handshake with Redis at " + settings.address() + " ("
                        + url + ") failed: " + why + "; trust the CA of its certificate with redis.tls-ca=<PEM file> "
                        + "(or the JVM trust store), and make sure the certificate names the host of the URL", e);
            }
        }
        return new BackendUnavailableException("cannot reach Redis at " + settings.address() + " (" + url + "): "
                + why + "; is redis-server running there and reachable" + (settings.tls() ? " over TLS" : "") + "?", e);
    }

    /** The exception's message with its causes', which Jedis often leaves out, without final periods. */
    static String message(Throwable e) {
        StringBuilder sb = new StringBuilder(trimmed(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String m = trimmed(c.getMessage());
            if (!m.isEmpty() && !sb.toString().contains(m)) {
                sb.append(": ").append(m);
            }
        }
        return sb.toString();
    }

    private static String trimmed(String m) {
        String s = m == null ? "" : m.strip();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Whether a command error may go away by itself (the server is loading, busy or full). */
    static boolean isTransient(JedisDataException e) {
        String m = String.valueOf(e.getMessage());
        return m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("TRYAGAIN") || m.startsWith("OOM")
                || m.startsWith("READONLY") || m.startsWith("MASTERDOWN") || m.startsWith("CLUSTERDOWN");
    }

    /** A PKCS12 trust store, as bytes, of the PEM certificates in {@code redis.tls-ca}. */
    private static byte[] trustStore(RedisSettings settings, char[] password) {
        try (InputStream in = Files.newInputStream(settings.tlsCa())) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ConfigurationException("setting 'redis.tls-ca': " + settings.tlsCa()
                        + " holds no PEM certificate");
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            trust.store(out, password);
            return out.toByteArray();
        } catch (IOException e) {
            throw new ConfigurationException("setting 'redis.tls-ca': cannot read " + settings.tlsCa() + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("setting 'redis.tls-ca': " + settings.tlsCa()
                    + " is not a PEM file of X.509 certificates: " + e.getMessage(), e);
        }
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
}
