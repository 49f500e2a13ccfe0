package io.tasq.core.config;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendProvider;
import io.tasq.spi.Providers;
import io.tasq.spi.SettingInfo;
import io.tasq.spi.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings the runtime knows and how they are layered: defaults, then the JSON file named by
 * {@code TASQ_CONF} (or {@code -f}), then {@code TASQ_*} environment variables, then explicit values
 * (builder or flags), each winning over the one before. Keys starting with a backend's prefix
 * ({@code zmq.}, {@code redis.}, {@code amqp.}) are passed to the backend, which checks them.
 *
 * <p>Stateless and thread-safe.
 */
public final class Config {

    /** The environment variable naming the configuration file. */
    public static final String CONF_ENV = "TASQ_CONF";

    /** Every setting the core knows. */
    public static final List<SettingInfo> KNOWN = List.of(
            new SettingInfo("backend", "zmq://127.0.0.1:9000", "the backend URL a worker consumes from (tq worker)"),
            new SettingInfo("client.id", null, "the client's id, where its results are addressed; random when unset"),
            new SettingInfo("client.unanswered-warning", "1m", "client: a wait without a timeout this long logs why it may not end, once per job"),
            new SettingInfo("client.job-timeout", "off", "client: fail a job's future when no answer came within this; off by default"),
            new SettingInfo("client.results-kept", "10000", "how many finished futures results() keeps besides pending ones"),
            new SettingInfo("sign.algorithm", null, "client signing: hmac-sha256, ed25519 or none; by the keys set when unset"),
            new SettingInfo("sign.key", null, "the shared HMAC-SHA256 key, at least 16 bytes"),
            new SettingInfo("sign.private-key", null, "client: the Ed25519 private key file (.key) to sign with"),
            new SettingInfo("sign.public-keys", null, "worker: trusted Ed25519 public key files or directories, comma separated"),
            new SettingInfo("serializer", "fory", "the serializer for jobs and results"),
            new SettingInfo("envelope.max-bytes", "67108864", "the largest payload or code bundle accepted, in bytes"),
            new SettingInfo("worker.id", null, "the worker's id; host, pid and a random suffix when unset"),
            new SettingInfo("worker.concurrency", null, "jobs run at once (actors or child JVMs); the number of CPUs when unset"),
            new SettingInfo("worker.router", "round-robin", "how jobs are spread over actors: round-robin, random, smallest-mailbox"),
            new SettingInfo("worker.insecure", "false", "accept unsigned jobs (logged loudly); never in production"),
            new SettingInfo("worker.allow-classes", "", "extra classes jobs may deserialize: names, pkg.*, pkg.**, comma separated"),
            new SettingInfo("worker.shutdown-timeout", "30s", "how long a stopping worker lets running jobs finish"),
            new SettingInfo("worker.type", "actor", "where jobs run: actor (threads) or process (a pool of child JVMs)"),
            new SettingInfo("worker.child-heap", "256m", "process workers: the heap of each child JVM"),
            new SettingInfo("worker.max-crashes", "3", "deliveries beyond 1 + retries a job may take before it is a poison job"),
            new SettingInfo("worker.replay-memory", "200000", "jobs a worker remembers having taken (until each expires), to drop copies and replays"),
            new SettingInfo("worker.timeout-grace", "2s", "how long a job over its time limit has to stop before its slot is given away"),
            new SettingInfo("worker.heartbeat", "2s", "how often a worker announces itself; it drops off the live list after three"),
            new SettingInfo("dashboard.token", null, "the token the dashboard's actions (cancel, retry, purge) need; read-only when unset"),
            new SettingInfo("dashboard.allowed-hosts", null, "more names the dashboard answers to besides its address (a proxy's, a DNS name): host or host:port, comma separated"),
            new SettingInfo("worker.code-shipping", "true", "define the classes jobs ship; when false, run only class-path code"),
            new SettingInfo("worker.max-bundles", "256", "code bundles a worker keeps defined at once"),
            new SettingInfo("worker.bundle-idle", "30m", "a code bundle unused this long is dropped"),
            new SettingInfo("ship.code", "true", "client: ship the application classes a job needs with it"),
            new SettingInfo("ship.exclude", "", "client: classes never shipped: names, pkg.*, pkg.**, comma separated"),
            new SettingInfo("ship.max-bytes", "16777216", "client: the largest code bundle, in bytes before compression"));

    private static final Set<String> KNOWN_KEYS = KNOWN.stream().map(SettingInfo::key).collect(Collectors.toUnmodifiableSet());
    private static final List<String> BACKEND_PREFIXES = List.of("zmq.", "redis.", "amqp.");

    private Config() {
    }

    /**
     * The effective settings: defaults, file ({@code TASQ_CONF}), environment, then {@code explicit}.
     *
     * @throws ConfigurationException if a key is unknown or the file cannot be read, naming them
     */
    public static Settings load(Map<String, String> explicit, String explicitSource) {
        return load(System.getenv(), null, explicit, explicitSource);
    }

    /**
     * The effective settings from the given environment, file and explicit values.
     *
     * @param env the environment variables
     * @param file a configuration file given on the command line, or {@code null} for {@code TASQ_CONF}
     */
    public static Settings load(Map<String, String> env, java.nio.file.Path file, Map<String, String> explicit,
            String explicitSource) {
        Settings s = Settings.empty();
        java.nio.file.Path conf = file != null ? file
                : env.containsKey(CONF_ENV) && !env.get(CONF_ENV).isBlank() ? java.nio.file.Path.of(env.get(CONF_ENV))
                        : null;
        if (conf != null) {
            s = s.with(ConfigFile.read(conf), "file " + conf);
        }
        s = s.with(fromEnv(env), "environment");
        s = s.with(explicit, explicitSource);
        check(s);
        return s;
    }

    /** The values set by {@code TASQ_*} variables for known keys, the backends' included. */
    static Map<String, String> fromEnv(Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        for (SettingInfo setting : all()) {
            String v = env.get(setting.envVar());
            if (v != null) {
                values.put(setting.key(), v);
            }
        }
        return values;
    }

    /** Every setting known: the core's, then those of the backends on the class path. */
    public static List<SettingInfo> all() {
        List<SettingInfo> all = new ArrayList<>(KNOWN);
        for (BackendProvider p : Providers.backends()) {
            all.addAll(p.settings());
        }
        return all;
    }

    /**
     * The prefixes under which backend settings live: those of the bundled backends, set even when
     * their module is absent (one settings file may serve several backends), and the prefix of every
     * setting a backend on the class path lists.
     */
    private static Set<String> backendPrefixes() {
        Set<String> prefixes = new java.util.TreeSet<>(BACKEND_PREFIXES);
        for (BackendProvider p : Providers.backends()) {
            for (SettingInfo i : p.settings()) {
                int dot = i.key().indexOf('.');
                if (dot > 0) {
                    prefixes.add(i.key().substring(0, dot + 1));
                }
            }
        }
        return prefixes;
    }

    /** Rejects keys that are neither known nor a backend's, naming them and their source. */
    public static void check(Settings s) {
        List<String> unknown = new ArrayList<>();
        for (String key : s.keys()) {
            if (!KNOWN_KEYS.contains(key) && backendPrefixes().stream().noneMatch(key::startsWith)) {
                unknown.add("'" + key + "' (from " + s.sourceOf(key) + ")");
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("unknown setting" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; known settings: " + String.join(", ", KNOWN_KEYS.stream().sorted()
                            .toList()) + ", and backend settings under " + String.join(", ", backendPrefixes()));
        }
    }

    /** The default of a known key, {@code null} if it has none. */
    public static String defaultOf(String key) {
        return KNOWN.stream().filter(k -> k.key().equals(key)).findFirst().map(SettingInfo::defaultValue).orElse(null);
    }
}
