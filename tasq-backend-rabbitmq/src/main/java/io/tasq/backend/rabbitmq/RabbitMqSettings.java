package io.tasq.backend.rabbitmq;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Durations;
import io.tasq.spi.Limits;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The RabbitMQ backend's configuration, from the URL
 * {@code amqp[s]://user:pass@host:port[,host:port...]/vhost?name=QUEUE[&setting=value...]} and the
 * {@code amqp.*} settings. A setting may also be given as a URL parameter without its {@code amqp.}
 * prefix ({@code ?result-ttl=10m}); the URL wins. Immutable; {@link #toString()} hides the password.
 *
 * @param tls whether to speak TLS ({@code amqps})
 * @param hosts the broker addresses, tried in order
 * @param user the user name
 * @param password the password
 * @param vhost the virtual host
 * @param name the queue name every queue of this backend is named after
 * @param resultTtl how long a client's reply queue outlives its last use ({@code x-expires})
 * @param queueExpires how long the job and dead-letter queues outlive their last use, or zero for never
 * @param heartbeat the AMQP heartbeat
 * @param connectTimeout how long opening a connection may take
 * @param recoveryInterval how long to wait between attempts to reconnect
 * @param prefetch how many jobs a worker takes from the broker ahead of acknowledging them, or 0 for
 *     the worker's own choice (twice its concurrency)
 * @param quorum whether the job, dead-letter and schedules queues are quorum queues (replicated) rather
 *     than classic ones
 * @param deliveryLimit on quorum queues, how many times the broker delivers a job before it
 *     dead-letters it ({@code x-delivery-limit})
 * @param deadLetterMax how many dead letters {@code tasq.NAME.dead} keeps ({@code x-max-length}); past it
 *     the oldest are dropped and counted
 * @param maxMessageBytes the largest message body taken off the wire, from {@code envelope.max-bytes}
 *     ({@link Limits#maxMessageBytes}); a larger one is cut to its first bytes before it is buffered
 * @param description the URL, password masked
 */
record RabbitMqSettings(boolean tls, List<BackendUri.HostPort> hosts, String user, String password, String vhost,
        String name, Duration resultTtl, Duration queueExpires, Duration heartbeat, Duration connectTimeout,
        Duration recoveryInterval, int prefetch, boolean quorum, int deliveryLimit, int deadLetterMax,
        long maxMessageBytes, String description) {

    static final int PORT = 5672;
    static final int TLS_PORT = 5671;
    static final String PREFIX = "amqp.";

    /** Every setting, without its prefix, with its default; also the URL parameters besides {@code name}. */
    static final Map<String, String> DEFAULTS = defaults();

    /** The most dead letters a queue may be set to keep: beyond this, the broker's memory is the limit anyway. */
    static final int MAX_DEAD_LETTERS = 10_000_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("result-ttl", "1h");
        d.put("queue-expires", "0");
        d.put("heartbeat", "20s");
        d.put("connect-timeout", "10s");
        d.put("recovery-interval", "2s");
        d.put("prefetch", "0");
        d.put("queue-type", "classic");
        d.put("delivery-limit", "20");
        d.put("dead-letter-max", Integer.toString(Limits.DEFAULT_MAX_DEAD_LETTERS));
        return d;
    }

    static RabbitMqSettings from(BackendUri uri, Settings settings) {
        for (String key : settings.keys()) {
            if (key.startsWith(PREFIX) && !DEFAULTS.containsKey(key.substring(PREFIX.length()))) {
                throw new ConfigurationException("unknown setting '" + key + "' (from " + settings.sourceOf(key)
                        + "); the RabbitMQ backend knows " + String.join(", ",
                                DEFAULTS.keySet().stream().map(k -> PREFIX + k).toList()));
            }
        }
        for (String p : uri.params().keySet()) {
            if (!p.equals("name") && !DEFAULTS.containsKey(p)) {
                throw new ConfigurationException("unknown parameter '" + p + "' in " + uri
                        + "; the RabbitMQ backend knows name, " + String.join(", ", DEFAULTS.keySet()));
            }
        }
        boolean tls = uri.scheme().equals("amqps");
        List<BackendUri.HostPort> hosts = uri.hosts().isEmpty()
                ? List.of(new BackendUri.HostPort("localhost", tls ? TLS_PORT : PORT))
                : uri.hosts().stream().map(h -> h.withDefaultPort(tls ? TLS_PORT : PORT)).toList();
        String user = uri.user().orElse("guest");
        if (user.isEmpty()) {
            throw new ConfigurationException("the user name in " + uri + " is empty; leave it out for guest");
        }
        String password = uri.password().orElse(uri.user().isPresent() ? "" : "guest");
        String vhost = uri.path().isEmpty() ? "/" : uri.path();
        String name = uri.param("name").orElse("default");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException("queue name '" + name + "' in " + uri + " is not allowed: use 1 to 100 "
                    + "letters, digits and . _ - :");
        }
        return new RabbitMqSettings(tls, hosts, user, password, vhost, name,
                duration(uri, settings, "result-ttl", Duration.ofSeconds(1), true),
                duration(uri, settings, "queue-expires", Duration.ofSeconds(1), false),
                duration(uri, settings, "heartbeat", Duration.ofSeconds(1), false),
                duration(uri, settings, "connect-timeout", Duration.ofMillis(100), true),
                duration(uri, settings, "recovery-interval", Duration.ofMillis(10), true),
                integer(uri, settings, "prefetch", 0, 65_535),
                quorum(value(uri, settings, "queue-type")),
                integer(uri, settings, "delivery-limit", 1, 1_000_000),
                integer(uri, settings, "dead-letter-max", 1, MAX_DEAD_LETTERS),
                Limits.maxMessageBytes(Limits.maxEnvelopeBytes(settings)),
                uri.toString());
    }

    private static boolean quorum(Value v) {
        return switch (v.text().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "classic" -> false;
            case "quorum" -> true;
            default -> throw new ConfigurationException(v.source() + ": '" + v.text()
                    + "' is not a queue type; use classic or quorum");
        };
    }

    /** A setting's value and where it came from: the URL, else the settings, else its default. */
    private record Value(String text, String source) {
    }

    private static Value value(BackendUri uri, Settings settings, String key) {
        Optional<String> fromUrl = uri.param(key);
        if (fromUrl.isPresent()) {
            return new Value(fromUrl.get(), "parameter '" + key + "' of " + uri);
        }
        if (settings.has(PREFIX + key)) {
            return new Value(settings.get(PREFIX + key, ""), "setting '" + PREFIX + key + "' (from "
                    + settings.sourceOf(PREFIX + key) + ")");
        }
        return new Value(DEFAULTS.get(key), "default of " + PREFIX + key);
    }

    private static int integer(BackendUri uri, Settings settings, String key, int min, int max) {
        Value v = value(uri, settings, key);
        try {
            int n = Integer.parseInt(v.text().strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(v.source() + ": '" + v.text() + "' is not a whole number from " + min + " to "
                + max);
    }

    /** A duration setting, at least {@code min} unless zero is allowed. */
    private static Duration duration(BackendUri uri, Settings settings, String key, Duration min, boolean required) {
        Value v = value(uri, settings, key);
        String value = v.text();
        String source = v.source();
        Duration d = Durations.tryParse(value).orElseThrow(() -> new ConfigurationException(
                source + ": '" + value + "' is not a duration; use " + Durations.FORMS));
        boolean zeroAllowed = !required && d.isZero();
        if (d.isNegative() || (!zeroAllowed && d.compareTo(min) < 0)) {
            throw new ConfigurationException(source + ": '" + value + "' is too short; use at least "
                    + human(min) + (required ? "" : ", or 0 for none"));
        }
        if (d.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigurationException(source + ": '" + value + "' is too long; RabbitMQ takes at most "
                    + "about 24 days");
        }
        return d;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The addresses, for messages: {@code host:port[, host:port...]}. */
    String addresses() {
        return String.join(", ", hosts.stream().map(BackendUri.HostPort::toString).toList());
    }

    @Override
    public String toString() {
        return description;
    }
}
