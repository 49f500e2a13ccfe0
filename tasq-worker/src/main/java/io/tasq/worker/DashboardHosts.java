package io.tasq.worker;

import io.tasq.ConfigurationException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names under which the dashboard may be asked for: the address it is bound to, with its port;
 * for a loopback bind also {@code localhost}, {@code 127.0.0.1} and {@code [::1]}; for a bind to every
 * interface ({@code 0.0.0.0}, {@code ::}) the addresses of this machine's interfaces and its host
 * name; and the names configured ({@code dashboard.allowed-hosts}, {@code --allowed-hosts}), each
 * {@code name} (any port) or {@code name:port}. A request whose {@code Host} is another name is
 * refused: a page on another site whose name was made to point at this address (DNS rebinding)
 * names its own site there, so it can neither read the dashboard nor act on it. An action's
 * {@code Origin}, when a browser sends one, must be one of the same names. Immutable, thread-safe.
 */
final class DashboardHosts {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    /** {@code host:port} of each name allowed with the served port, host normalized. */
    private final Set<String> exact = new LinkedHashSet<>();
    /** Hosts configured without a port: allowed with any port. */
    private final Set<String> anyPort = new LinkedHashSet<>();

    /**
     * @param bind the address the dashboard is bound to, as configured
     * @param port the port it serves
     * @param configured more names, {@code name} or {@code name:port}
     * @throws ConfigurationException for a configured name that is not a host or host:port
     */
    DashboardHosts(String bind, int port, List<String> configured) {
        add(bind, port);
        InetAddress address = literalOrNull(bind);
        if (address == null) {
            try {
                address = InetAddress.getByName(bind); // the name it was bound to, as given
            } catch (UnknownHostException e) {
                address = null;
            }
        }
        if (address != null) {
            add(address.getHostAddress(), port);
            if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
                for (String loopback : List.of("localhost", "127.0.0.1", "[::1]")) {
                    add(loopback, port);
                }
            }
            if (address.isAnyLocalAddress()) {
                addInterfaces(port);
            }
        }
        for (String c : configured) {
            String name = c.strip();
            if (name.isEmpty()) {
                continue;
            }
            Parsed p = parse(name, -1);
            if (p == null) {
                throw new ConfigurationException("dashboard.allowed-hosts: '" + name + "' is not a host name or "
                        + "host:port (IPv6 in brackets, as [::1]:8080)");
            }
            if (p.port() < 0) {
                anyPort.add(p.host());
            } else {
                exact.add(p.host() + ":" + p.port());
            }
        }
    }

    /** Whether a request with this {@code Host} header (port 80 when it names none) is for this dashboard. */
    boolean allowsHost(String header) {
        Parsed p = header == null ? null : parse(header.strip(), 80);
        return p != null && allowed(p);
    }

    /**
     * Whether an action's {@code Origin} header names this dashboard: {@code http} or {@code https}, one
     * of its names. {@code null} (the header is absent: not a browser, or a same-origin GET) is
     * allowed; the opaque origin {@code null} is not.
     */
    boolean allowsOrigin(String origin) {
        if (origin == null) {
            return true;
        }
        String o = origin.strip().toLowerCase(Locale.ROOT);
        int defaultPort = o.startsWith("http://") ? 80 : o.startsWith("https://") ? 443 : -1;
        if (defaultPort < 0) {
            return false;
        }
        String rest = o.substring(o.indexOf("://") + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        Parsed p = rest.contains("/") || rest.contains("@") ? null : parse(rest, defaultPort);
        return p != null && allowed(p);
    }

    /** The names allowed, for messages. */
    String describe() {
        Set<String> all = new LinkedHashSet<>(exact);
        anyPort.forEach(h -> all.add(h + ":*"));
        return String.join(", ", all);
    }

    private boolean allowed(Parsed p) {
        return exact.contains(p.host() + ":" + p.port()) || anyPort.contains(p.host());
    }

    private void add(String address, int port) {
        String host = address.replaceFirst("%.*", ""); // an interface's zone is never in a Host header
        Parsed p = parse(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host, -1);
        if (p != null) {
            exact.add(p.host() + ":" + port);
        }
    }

    private void addInterfaces(int port) {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    add(a.getHostAddress(), port);
                }
            }
        } catch (SocketException e) {
            // the interfaces cannot be listed: their addresses can still be configured
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            add(local.getHostName(), port);
            add(local.getCanonicalHostName(), port);
        } catch (UnknownHostException e) {
            // no name for this host: its addresses are allowed already
        }
    }

    /** A host and port, the host in lower case, an IP literal in one canonical form. */
    private record Parsed(String host, int port) {
    }

    /**
     * {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port}; {@code null} if it is none of
     * them. No name is looked up: only IP literals are parsed, so that each has one form.
     */
    private static Parsed parse(String s, int defaultPort) {
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                return null;
            }
            host = s.substring(0, end + 1);
            String rest = s.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = s.indexOf(':');
            if (colon != s.lastIndexOf(':')) {
                return null; // an IPv6 address must be in brackets
            }
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
        }
        int p = defaultPort;
        if (port != null) {
            if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
                return null;
            }
            p = Integer.parseInt(port);
        }
        String h = normal(host);
        return h == null ? null : new Parsed(h, p);
    }

    private static String normal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1); // the root of DNS: "localhost." is "localhost"
        }
        if (h.isEmpty() || h.length() > 253) {
            return null;
        }
        if (h.startsWith("[")) {
            InetAddress a = literalOrNull(h.substring(1, h.length() - 1));
            return a instanceof Inet6Address ? "[" + a.getHostAddress().replaceFirst("%.*", "") + "]" : null;
        }
        if (IPV4.matcher(h).matches()) {
            InetAddress a = literalOrNull(h);
            return a == null ? null : a.getHostAddress();
        }
        return h.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_') ? h : null;
    }

    /** The address an IP literal stands for, without any lookup; {@code null} for anything else. */
    private static InetAddress literalOrNull(String s) {
        String v = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        boolean literal = IPV4.matcher(v).matches() || (v.contains(":") && v.chars().allMatch(c ->
                Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%'));
        if (!literal) {
            return null;
        }
        try {
            return InetAddress.getByName(v); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
