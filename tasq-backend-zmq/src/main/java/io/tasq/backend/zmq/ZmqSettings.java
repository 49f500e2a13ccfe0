package io.tasq.backend.zmq;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendUri;
import io.tasq.spi.SettingInfo;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ZMQ backend's configuration, from the URL {@code zmq://host:port[?results-port=P]} and the
 * {@code zmq.*} settings. Immutable.
 *
 * @param host the host a client connects to, or the interface a worker binds ({@code *} for all)
 * @param jobsPort where jobs go (PUSH to PULL)
 * @param resultsPort where results come from (ROUTER to DEALER); {@code jobsPort + 1} by default
 * @param heartbeat how often a client pings its worker
 * @param workerTimeout after how long without an answer a client reports its worker lost
 * @param resultTtl how long a worker keeps results for a client that is away
 * @param maxHeldResults how many such results a worker keeps at most
 * @param maxDeadLetters how many dead letters a worker keeps in memory, the oldest dropped first
 */
record ZmqSettings(String host, int jobsPort, int resultsPort, Duration heartbeat, Duration workerTimeout,
        Duration resultTtl, int maxHeldResults, int maxDeadLetters) {

    static final int DEFAULT_PORT = 9000;
    static final List<SettingInfo> INFO = List.of(
            new SettingInfo("zmq.results-port", null, "where results come from; the jobs port + 1 when unset"),
            new SettingInfo("zmq.heartbeat", "500ms", "how often a client pings its worker"),
            new SettingInfo("zmq.worker-timeout", "3s", "silence after which a client reports its worker lost"),
            new SettingInfo("zmq.result-ttl", "10m", "how long a worker keeps results for a client that is away"),
            new SettingInfo("zmq.max-held-results", "100000", "how many such results a worker keeps at most"),
            new SettingInfo("zmq.max-dead-letters", "10000", "dead letters a worker keeps in memory, oldest dropped first"));
    static final Set<String> KEYS = INFO.stream().map(SettingInfo::key).collect(Collectors.toUnmodifiableSet());

    static ZmqSettings from(BackendUri uri, Settings settings) {
        for (String key : settings.keys()) {
            if (key.startsWith("zmq.") && !KEYS.contains(key)) {
                throw new ConfigurationException("unknown setting '" + key + "' (from " + settings.sourceOf(key)
                        + "); the ZMQ backend knows " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        for (String p : uri.params().keySet()) {
            if (!List.of("results-port").contains(p)) {
                throw new ConfigurationException("unknown parameter '" + p + "' in " + uri
                        + "; the ZMQ backend knows results-port");
            }
        }
        if (uri.hosts().size() > 1) {
            throw new ConfigurationException("the ZMQ backend takes one host:port, got " + uri.hosts().size()
                    + " in " + uri);
        }
        BackendUri.HostPort hp = uri.host("127.0.0.1", DEFAULT_PORT);
        int results;
        String rp = uri.param("results-port").orElse(settings.get("zmq.results-port", null));
        if (rp != null) {
            try {
                results = Integer.parseInt(rp.strip());
            } catch (NumberFormatException e) {
                throw new ConfigurationException("results port '" + rp + "' in " + uri + " is not a number");
            }
        } else {
            results = hp.port() + 1;
        }
        if (results < 1 || results > 65535 || results == hp.port()) {
            throw new ConfigurationException("results port " + results + " for " + uri + " must be 1-65535 and "
                    + "differ from the jobs port");
        }
        return new ZmqSettings(hp.host(), hp.port(), results,
                settings.getDuration("zmq.heartbeat", Duration.ofMillis(500)),
                settings.getDuration("zmq.worker-timeout", Duration.ofSeconds(3)),
                settings.getDuration("zmq.result-ttl", Duration.ofMinutes(10)),
                settings.getInt("zmq.max-held-results", 100_000, 0, Integer.MAX_VALUE),
                settings.getInt("zmq.max-dead-letters", 10_000, 0, Integer.MAX_VALUE));
    }

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

    private String bindHost() {
        return switch (host) {
            case "localhost" -> "127.0.0.1";
            case "0.0.0.0" -> "*";
            default -> host;
        };
    }
}
