package io.tasq.spi;

import io.tasq.ConfigurationException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed backend URL: {@code scheme://[user[:password]@]host[:port][,host[:port]...][/path][?k=v&...]}.
 *
 * <p>Several hosts may be listed, comma separated, for backends that use them. The path and query
 * are percent-decoded ({@code %2f} is {@code /}). {@link #toString()} masks the password, so a
 * {@code BackendUri} may be logged. Immutable and thread-safe.
 */
public final class BackendUri {

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    private final String scheme;
    private final String user;
    private final String password;
    private final List<HostPort> hosts;
    private final String path;
    private final Map<String, String> params;

    /**
     * One host of the URL.
     *
     * @param host the host name or address, without brackets for IPv6
     * @param port the port, or -1 when the URL gives none
     */
    public record HostPort(String host, int port) {

        /** This host and port, or {@code defaultPort} when none was given. */
        public HostPort withDefaultPort(int defaultPort) {
            return port < 0 ? new HostPort(host, defaultPort) : this;
        }

        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return port < 0 ? h : h + ":" + port;
        }
    }

    private BackendUri(String scheme, String user, String password, List<HostPort> hosts, String path,
            Map<String, String> params) {
        this.scheme = scheme;
        this.user = user;
        this.password = password;
        this.hosts = hosts;
        this.path = path;
        this.params = params;
    }

    /**
     * Parses a URL.
     *
     * @throws ConfigurationException if it is not of the form above, saying what is wrong
     */
    public static BackendUri parse(String url) {
        Objects.requireNonNull(url, "url == null");
        String text = url.strip();
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw bad(url, "it has no scheme; write it as scheme://host:port, for example zmq://127.0.0.1:9000");
        }
        String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!SCHEME.matcher(scheme).matches()) {
            throw bad(url, "'" + scheme + "' is not a valid scheme");
        }
        String rest = text.substring(sep + 3);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String rawPath = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rawPath = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
        }
        List<HostPort> hosts = new ArrayList<>();
        if (!rest.isEmpty()) {
            for (String h : rest.split(",", -1)) {
                hosts.add(parseHost(url, h.strip()));
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq >= 0 ? pair.substring(0, eq) : pair, StandardCharsets.UTF_8);
                String v = eq >= 0 ? URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8) : "";
                if (params.put(k, v) != null) {
                    throw bad(url, "the parameter '" + k + "' is given twice");
                }
            }
        }
        return new BackendUri(scheme, user, password, List.copyOf(hosts), decode(rawPath),
                Collections.unmodifiableMap(params));
    }

    private static HostPort parseHost(String url, String h) {
        if (h.isEmpty()) {
            throw bad(url, "a host is empty");
        }
        String host;
        String port = null;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                throw bad(url, "'" + h + "' opens an IPv6 address with [ but does not close it");
            }
            host = h.substring(1, close);
            String after = h.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(url, "'" + h + "' has text after the IPv6 address");
                }
                port = after.substring(1);
            }
        } else {
            int colon = h.lastIndexOf(':');
            host = colon >= 0 ? h.substring(0, colon) : h;
            port = colon >= 0 ? h.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw bad(url, "'" + h + "' has no host name");
        }
        if (port == null) {
            return new HostPort(host, -1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw bad(url, "port " + p + " is out of range 1-65535");
            }
            return new HostPort(host, p);
        } catch (NumberFormatException e) {
            throw bad(url, "'" + port + "' is not a port number");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static ConfigurationException bad(String url, String problem) {
        return new ConfigurationException("bad backend URL '" + mask(url) + "': " + problem);
    }

    /** {@code url} with any password replaced by {@code ****}, for messages about a URL that did not parse. */
    public static String mask(String url) {
        return url.replaceAll("(://[^/@:?]*:)[^/@?]*@", "$1****@");
    }

    /** The scheme, lower case. */
    public String scheme() {
        return scheme;
    }

    /** The user name, decoded, if the URL has one. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password, decoded, if the URL has one. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The hosts, in order; empty if the URL names none. */
    public List<HostPort> hosts() {
        return hosts;
    }

    /** The first host with {@code defaultPort} if it has none, or {@code defaultHost:defaultPort}. */
    public HostPort host(String defaultHost, int defaultPort) {
        return hosts.isEmpty() ? new HostPort(defaultHost, defaultPort) : hosts.get(0).withDefaultPort(defaultPort);
    }

    /** The path after the first {@code /}, decoded; empty if none. */
    public String path() {
        return path;
    }

    /** The query parameters, decoded, in order. */
    public Map<String, String> params() {
        return params;
    }

    /** One query parameter, if given. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** The URL with the password masked. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (user != null) {
            sb.append(user);
            if (password != null) {
                sb.append(":****");
            }
            sb.append('@');
        }
        for (int i = 0; i < hosts.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(hosts.get(i));
        }
        if (!path.isEmpty()) {
            sb.append('/').append(path.replace("%", "%25").replace("/", "%2F"));
        }
        if (!params.isEmpty()) {
            sb.append('?');
            params.forEach((k, v) -> sb.append(k).append('=').append(v).append('&'));
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendUri u && scheme.equals(u.scheme) && Objects.equals(user, u.user)
                && Objects.equals(password, u.password) && hosts.equals(u.hosts) && path.equals(u.path)
                && params.equals(u.params);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, user, hosts, path, params);
    }
}
