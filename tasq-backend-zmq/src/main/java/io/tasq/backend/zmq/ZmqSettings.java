package io.tasq.backend.zmq;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Limits;
import io.tasq.spi.SettingInfo;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ZMQ backend's configuration, from the URL {@code zmq://host:port[,host:port...][?results-port=P&router=R]}
 * and the {@code zmq.*} settings. Immutable.
 *
 * @param endpoints the workers: one for a worker or a plain client, several for a client over a pool
 * @param routing how a client over several workers picks one for each job
 * @param heartbeat how often a client pings its workers
 * @param workerTimeout after how long without an answer a client takes a worker out
 * @param resultTtl how long a worker keeps results for a client that is away
 * @param maxHeldResults how many such results a worker keeps at most
 * @param maxDeadLetters how many dead letters a worker keeps in memory, the oldest dropped first
 * @param queue the queue's name (the URL's {@code name}, {@code default} when absent), which jobs are signed for
 * @param maxMessageBytes the largest message a socket takes off the wire ({@link Limits#maxMessageBytes});
 *     ZMQ drops the connection of a peer that sends a larger one before buffering it
 * @param curve CURVE encryption keys, {@link CurveKeys#NONE} when off
 */
record ZmqSettings(List<Endpoint> endpoints, Routing routing, Duration heartbeat, Duration workerTimeout,
        Duration resultTtl, int maxHeldResults, int maxDeadLetters, String queue, long maxMessageBytes,
        CurveKeys curve) {

    static final String DEFAULT_QUEUE = "default";
    private static final java.util.regex.Pattern QUEUE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    static final int DEFAULT_PORT = 9000;
    static final List<SettingInfo> INFO = List.of(
            new SettingInfo("zmq.results-port", null, "where results come from; the jobs port + 1 when unset"),
            new SettingInfo("zmq.router", "least-pending",
                    "how a client over several workers picks one: round-robin, random or least-pending"),
            new SettingInfo("zmq.heartbeat", "500ms", "how often a client pings its workers"),
            new SettingInfo("zmq.worker-timeout", "3s", "silence after which a client takes a worker out"),
            new SettingInfo("zmq.result-ttl", "10m", "how long a worker keeps results for a client that is away"),
            new SettingInfo("zmq.max-held-results", "100000", "how many such results a worker keeps at most"),
            new SettingInfo("zmq.max-dead-letters", "10000", "dead letters a worker keeps in memory, oldest dropped first"),
            new SettingInfo(CurveKeys.SECRET_KEY, null,
                    "a worker's CURVE secret key (Z85): encrypts its traffic; it logs the public key clients need"),
            new SettingInfo(CurveKeys.SERVER_KEY, null,
                    "the worker's CURVE public key (Z85), for clients and operators: their traffic to it is encrypted"));
    static final Set<String> KEYS = INFO.stream().map(SettingInfo::key).collect(Collectors.toUnmodifiableSet());
    private static final List<String> PARAMS = List.of("results-port", "router", "name");

    /**
     * One worker's address.
     *
     * @param host the host a client connects to, or the interface a worker binds ({@code *} for all)
     * @param jobsPort where jobs go (PUSH to PULL)
     * @param resultsPort where results come from (ROUTER to DEALER); {@code jobsPort + 1} by default
     */
    record Endpoint(String host, int jobsPort, int resultsPort) {

        String connectJobs() {
            return "tcp://" + host + ":" + jobsPort;
        }

        String connectResults() {
            return "tcp://" + host + ":" + resultsPort;
        }

        String bindJobs() {
            return "tcp://" + bindHost() + ":" + jobsPort;
        }

        String bindResults() {
            return "tcp://" + bindHost() + ":" + resultsPort;
        }

        /** Whether only this machine can reach it. */
        boolean isLoopback() {
            return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
        }

        private String bindHost() {
            return switch (host) {
                case "localhost" -> "127.0.0.1";
                case "0.0.0.0" -> "*";
                default -> host;
            };
        }

        @Override
        public String toString() {
            return host + ":" + jobsPort;
        }
    }

    /** How a client over several workers picks the one a job goes to. */
    enum Routing {
        /** Each worker in turn. */
        ROUND_ROBIN,
        /** A worker at random. */
        RANDOM,
        /** The worker with the fewest of this client's jobs not finished yet (the first of them on a tie). */
        LEAST_PENDING;

        static Routing parse(String text, String where) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            for (Routing r : values()) {
                if (r.label().equals(t)) {
                    return r;
                }
            }
            throw new ConfigurationException("unknown router '" + text + "' in " + where
                    + "; the ZMQ backend knows round-robin, random and least-pending");
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static ZmqSettings from(BackendUri uri, Settings settings) {
        for (String key : settings.keys()) {
            if (key.startsWith("zmq.") && !KEYS.contains(key)) {
                throw new ConfigurationException("unknown setting '" + key + "' (from " + settings.sourceOf(key)
                        + "); the ZMQ backend knows " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        for (String p : uri.params().keySet()) {
            if (!PARAMS.contains(p)) {
                throw new ConfigurationException("unknown parameter '" + p + "' in " + uri
                        + "; the ZMQ backend knows " + String.join(", ", PARAMS));
            }
        }
        String rp = uri.param("results-port").orElse(settings.get("zmq.results-port", null));
        List<Endpoint> endpoints = new ArrayList<>();
        if (uri.hosts().size() > 1) {
            if (rp != null) {
                throw new ConfigurationException("results-port cannot be given for a pool of workers (" + uri
                        + "): each worker's results port is its jobs port + 1");
            }
            for (BackendUri.HostPort hp : uri.hosts()) {
                endpoints.add(endpoint(hp.withDefaultPort(DEFAULT_PORT), null, uri.toString()));
            }
            if (endpoints.stream().distinct().count() < endpoints.size()) {
                throw new ConfigurationException("a worker is named twice in " + uri);
            }
        } else {
            endpoints.add(endpoint(uri.host("127.0.0.1", DEFAULT_PORT), rp, uri.toString()));
        }
        String where = uri.param("router").isPresent() ? uri.toString()
                : "setting zmq.router (from " + settings.sourceOf("zmq.router") + ")";
        return new ZmqSettings(List.copyOf(endpoints),
                Routing.parse(uri.param("router").orElse(settings.get("zmq.router", "least-pending")), where),
                settings.getDuration("zmq.heartbeat", Duration.ofMillis(500)),
                settings.getDuration("zmq.worker-timeout", Duration.ofSeconds(3)),
                settings.getDuration("zmq.result-ttl", Duration.ofMinutes(10)),
                settings.getInt("zmq.max-held-results", 100_000, 0, Integer.MAX_VALUE),
                settings.getInt("zmq.max-dead-letters", Limits.DEFAULT_MAX_DEAD_LETTERS, 0, Integer.MAX_VALUE), queue(uri),
                Limits.maxMessageBytes(Limits.maxEnvelopeBytes(settings)), curve(settings));
    }

    private static CurveKeys curve(Settings settings) {
        String secret = settings.get(CurveKeys.SECRET_KEY, null);
        String server = settings.get(CurveKeys.SERVER_KEY, null);
        return new CurveKeys(
                secret == null || secret.isBlank() ? null
                        : CurveKeys.parse(secret, CurveKeys.SECRET_KEY, settings.sourceOf(CurveKeys.SECRET_KEY)),
                server == null || server.isBlank() ? null
                        : CurveKeys.parse(server, CurveKeys.SERVER_KEY, settings.sourceOf(CurveKeys.SERVER_KEY)));
    }

    private static String queue(BackendUri uri) {
        String name = uri.param("name").orElse(DEFAULT_QUEUE);
        if (!QUEUE_NAME.matcher(name).matches()) {
            throw new ConfigurationException("queue name '" + name + "' in " + uri
                    + " is not 1 to 200 letters, digits and . _ - :");
        }
        return name;
    }

    /**
     * Reads one worker's address given at run time: {@code zmq://host:port[?results-port=P]} or
     * {@code host:port}.
     */
    static Endpoint parseEndpoint(String address) {
        String text = address.strip();
        BackendUri uri = BackendUri.parse(text.contains("://") ? text : "zmq://" + text);
        if (!Set.of("zmq", "tcp").contains(uri.scheme())) {
            throw new ConfigurationException("'" + address + "' is not a ZMQ worker's address (zmq://host:port)");
        }
        if (uri.hosts().size() != 1) {
            throw new ConfigurationException("'" + address + "' must name one worker, as host:port");
        }
        for (String p : uri.params().keySet()) {
            if (!p.equals("results-port")) {
                throw new ConfigurationException("unknown parameter '" + p + "' in the worker address " + address);
            }
        }
        return endpoint(uri.hosts().get(0).withDefaultPort(DEFAULT_PORT), uri.param("results-port").orElse(null),
                address);
    }

    private static Endpoint endpoint(BackendUri.HostPort hp, String resultsPort, String where) {
        int results;
        if (resultsPort != null) {
            try {
                results = Integer.parseInt(resultsPort.strip());
            } catch (NumberFormatException e) {
                throw new ConfigurationException("results port '" + resultsPort + "' in " + where + " is not a number");
            }
        } else {
            results = hp.port() + 1;
        }
        if (results < 1 || results > 65535 || results == hp.port()) {
            throw new ConfigurationException("results port " + results + " for " + where + " must be 1-65535 and "
                    + "differ from the jobs port");
        }
        return new Endpoint(hp.host(), hp.port(), results);
    }

    /** The one worker this names; a worker binds one address, so a pool is refused with this reason. */
    Endpoint single(String why) {
        if (endpoints.size() != 1) {
            throw new ConfigurationException(why + "; this URL names " + endpoints.size() + " workers ("
                    + endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(", ")) + ")");
        }
        return endpoints.get(0);
    }
}
