package io.tasq.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tasq.BackendUnavailableException;
import io.tasq.spi.Backend;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard of one queue, served from the JDK's HTTP server: a page with its script and
 * styles (bundled, nothing from elsewhere), and the JSON API it polls ({@link DashboardApi}).
 * Read-only unless it has a token; each mutating POST must then carry it, as the {@code X-Tasq-Token}
 * header, an {@code Authorization: Bearer} header or a {@code token} form field. Every request must
 * name this dashboard in its {@code Host} header, and an action's {@code Origin} (when a browser sends
 * one) must name it too ({@link DashboardHosts}): a page elsewhere can neither read it by DNS
 * rebinding nor act on it from another origin. Thread-safe.
 */
final class Dashboard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final String ASSETS = "/io/tasq/worker/dashboard/";
    private static final Pattern ASSET_NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    private static final int MAX_FORM_BYTES = 64 * 1024;
    /** More names the dashboard answers to, comma separated: {@code name} (any port) or {@code name:port}. */
    static final String ALLOWED_HOSTS = "dashboard.allowed-hosts";

    private final Backend backend;
    private final byte[] token;
    private final DashboardSampler sampler;
    private final DashboardApi api;
    private final ScheduledExecutorService ticker;
    private final ExecutorService handlers;
    private final HttpServer server;
    private final DashboardHosts hosts;
    private final AtomicBoolean warnedHost = new AtomicBoolean();

    /**
     * Opens the queue at {@code url} and serves its dashboard on {@code host:port} (0: any free port),
     * to requests for {@code host:port} and the names in the setting {@code dashboard.allowed-hosts}.
     *
     * @param token what mutating actions need; {@code null} or empty for a read-only dashboard
     * @throws BackendUnavailableException if the port cannot be bound
     * @throws io.tasq.ConfigurationException if {@code dashboard.allowed-hosts} names no host
     */
    Dashboard(String url, Settings settings, String host, int port, String token) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.backend = OperatorBackend.open(url, settings);
        this.sampler = new DashboardSampler(backend.feature(QueueAdmin.class).orElse(null), Clock.systemUTC(), Duration.ofMinutes(10));
        this.api = new DashboardApi(url, settings, backend, sampler, this.token != null);
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("tq-dashboard-sampler"));
        this.handlers = Executors.newFixedThreadPool(4, daemon("tq-dashboard-http"));
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            closeQuietly();
            throw new BackendUnavailableException("cannot serve the dashboard on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        try {
            hosts = new DashboardHosts(host, port(), List.of(settings.get(ALLOWED_HOSTS, "").split(",")));
        } catch (RuntimeException e) {
            server.stop(0);
            closeQuietly();
            throw e;
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        ticker.scheduleWithFixedDelay(sampler::sample, 0, 1, TimeUnit.SECONDS);
        server.start();
        LOG.info("Serving the dashboard of {} at http://{}:{}/ ({}; for requests to {})", backend.describe(),
                host.contains(":") ? "[" + host + "]" : host, port(),
                this.token == null ? "read-only: no token" : "actions need the token", hosts.describe());
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = Map.of("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                    + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'", "X-Content-Type-Options", "nosniff",
                    "X-Frame-Options", "DENY", "Referrer-Policy", "no-referrer", "Cache-Control", "no-store");
            headers.forEach(exchange.getResponseHeaders()::add);
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            DashboardApi.Reply reply;
            try {
                List<String> host = exchange.getRequestHeaders().getOrDefault("Host", List.of());
                if (host.size() != 1 || !hosts.allowsHost(host.get(0))) {
                    reply = misdirected(host);
                } else if (path.startsWith("/api/")) {
                    reply = api(path.substring("/api/".length()), method, exchange);
                } else if (!method.equals("GET") && !method.equals("HEAD")) {
                    reply = DashboardApi.Reply.error(405, "use GET");
                } else {
                    reply = asset(path.equals("/") ? "index.html" : path.startsWith("/assets/")
                            ? path.substring("/assets/".length()) : "");
                }
            } catch (IllegalArgumentException e) {
                reply = DashboardApi.Reply.error(400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("dashboard: {} {} failed", method, path, e);
                reply = DashboardApi.Reply.error(500, e.toString());
            }
            exchange.getResponseHeaders().add("Content-Type", reply.type());
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), head ? -1 : reply.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        }
    }

    private DashboardApi.Reply api(String name, String method, HttpExchange exchange) throws IOException {
        if (method.equals("GET")) {
            Map<String, List<String>> query = form(exchange.getRequestURI().getRawQuery());
            return api.get(name, query);
        }
        if (!method.equals("POST")) {
            return DashboardApi.Reply.error(405, "use GET to read, POST to act");
        }
        List<String> origin = exchange.getRequestHeaders().getOrDefault("Origin", List.of());
        if (origin.size() > 1 || (origin.size() == 1 && !hosts.allowsOrigin(origin.get(0)))) {
            return DashboardApi.Reply.error(403, "an action from another site (Origin " + quoted(origin)
                    + ") is refused: actions come from this dashboard's own page (" + hosts.describe() + ")");
        }
        Map<String, List<String>> form = form(readForm(exchange));
        if (token == null) {
            return DashboardApi.Reply.error(403, "this dashboard is read-only: start it with --token"
                    + " (or TASQ_DASHBOARD_TOKEN) to allow actions");
        }
        if (!authorized(exchange, form)) {
            return DashboardApi.Reply.error(403, "a wrong or missing token: send it as the X-Tasq-Token header");
        }
        return api.post(name, form);
    }

    /**
     * 421 for a request that names another host: a browser sends the name of the site whose page asks,
     * so a page elsewhere that made its name point here (DNS rebinding) reads nothing.
     */
    private DashboardApi.Reply misdirected(List<String> host) {
        if (warnedHost.compareAndSet(false, true)) {
            LOG.warn("dashboard: refused a request for Host {}: it serves {} (add a name it is reached by to "
                    + "dashboard.allowed-hosts); later refusals are logged at debug level", quoted(host),
                    hosts.describe());
        } else {
            LOG.debug("dashboard: refused a request for Host {}", quoted(host));
        }
        return DashboardApi.Reply.error(421, "this dashboard serves " + hosts.describe() + ", not the Host "
                + quoted(host) + "; to reach it under another name, add the name to --allowed-hosts (setting "
                + ALLOWED_HOSTS + ")");
    }

    /** Header values for a message: quoted, shortened, printable only (they are anyone's to write). */
    private static String quoted(List<String> values) {
        if (values.isEmpty()) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        for (String v : values) {
            String s = v.length() > 100 ? v.substring(0, 100) + "..." : v;
            out.append(out.length() == 0 ? "'" : ", '").append(s.replaceAll("[^\\x20-\\x7e]", "?")).append("'");
        }
        return out.toString();
    }

    private boolean authorized(HttpExchange exchange, Map<String, List<String>> form) {
        List<String> offered = new ArrayList<>();
        String header = exchange.getRequestHeaders().getFirst("X-Tasq-Token");
        String bearer = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null) {
            offered.add(header);
        }
        if (bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)) {
            offered.add(bearer.substring(7).strip());
        }
        offered.addAll(form.getOrDefault("token", List.of()));
        boolean ok = false;
        for (String t : offered) {
            ok |= MessageDigest.isEqual(token, t.getBytes(StandardCharsets.UTF_8)); // constant time
        }
        return ok;
    }

    private static String readForm(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
            if (body.length > MAX_FORM_BYTES) {
                throw new IllegalArgumentException("a form over " + MAX_FORM_BYTES + " bytes");
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An {@code application/x-www-form-urlencoded} string (or a query) as names to their values. */
    static Map<String, List<String>> form(String encoded) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return m;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private static DashboardApi.Reply asset(String name) throws IOException {
        if (!ASSET_NAME.matcher(name).matches()) {
            return DashboardApi.Reply.error(404, "no such page");
        }
        try (InputStream in = Dashboard.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                return DashboardApi.Reply.error(404, "no such page");
            }
            return new DashboardApi.Reply(200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), in.readAllBytes());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void closeQuietly() {
        ticker.shutdownNow();
        handlers.shutdownNow();
        api.close();
        backend.close();
    }

    @Override
    public void close() {
        server.stop(0);
        closeQuietly();
    }
}
