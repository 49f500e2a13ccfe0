package io.tasq.backend.redis;

import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.TasqException;
import java.util.Locale;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Says what a Jedis failure means to a user: which Tasq exception it becomes (a configuration error,
 * a server that is away or not ready, an answer nobody expected), with a message that names the server
 * and what to check; and which command errors go away by themselves. Stateless.
 */
final class RedisErrors {

    private RedisErrors() {
    }

    /**
     * A Tasq exception for a failure to connect or to run a command, naming the server and what to
     * check.
     *
     * @param where what the backend talks to, as {@link RedisConnections#where()} says it
     * @param url the URL, password masked
     */
    static TasqException failure(JedisException e, RedisSettings settings, String url, String where) {
        String why = message(e);
        String upper = why.toUpperCase(Locale.ROOT);
        if (settings.cluster() && why.contains("is not in cluster mode")) {
            return new ConfigurationException("cannot use " + settings.address() + " as a Redis Cluster (" + url
                    + "): " + why.replaceFirst("^ERR ", "")
                    + "; use redis://host:port for a single server, or name nodes of a cluster "
                    + "(cluster-enabled yes)", e);
        }
        if (e instanceof JedisAccessControlException || upper.startsWith("WRONGPASS") || upper.startsWith("NOAUTH")
                || upper.startsWith("NOPERM")) {
            return new ConfigurationException(where + " (" + url + ") refused the credentials"
                    + settings.userName().map(u -> " of user '" + u + "'").orElse("") + ": " + why
                    + "; put the right ones in the URL, as redis://user:password@host:port", e);
        }
        if (e instanceof JedisDataException && upper.contains("DB INDEX")) {
            return new ConfigurationException(where + " has no database "
                    + settings.database() + " (" + url + "): " + why, e);
        }
        if (e instanceof JedisDataException d && isTransient(d)) {
            return new BackendUnavailableException(where + " (" + url + ") is not ready: "
                    + why + "; try again in a moment", e);
        }
        if (e instanceof JedisDataException) {
            return new TasqException(where + " (" + url + ") answered with an error: " + why
                    + "; is another program using the keys tasq:{" + settings.queue() + "}:*?", e);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException) {
                return new BackendUnavailableException("the TLS handshake with " + where + " ("
                        + url + ") failed: " + why + "; trust the CA of its certificate with redis.tls-ca=<PEM file> "
                        + "(or the JVM trust store), and make sure the certificate names the host of the URL", e);
            }
        }
        return new BackendUnavailableException("cannot reach " + where + " (" + url + "): "
                + why + (settings.cluster() ? "; are the nodes running, reachable and in one cluster (cluster_state:ok)"
                        : "; is redis-server running there and reachable")
                + (settings.tls() ? " over TLS" : "") + "?", e);
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
        return e instanceof JedisRedirectionException || m.startsWith("LOADING") || m.startsWith("BUSY")
                || m.startsWith("TRYAGAIN") || m.startsWith("OOM") || m.startsWith("READONLY")
                || m.startsWith("MASTERDOWN") || m.startsWith("CLUSTERDOWN") || m.startsWith("MOVED")
                || m.startsWith("ASK");
    }
}
