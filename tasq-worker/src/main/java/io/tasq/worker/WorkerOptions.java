package io.tasq.worker;

import io.tasq.core.config.Config;
import io.tasq.core.worker.RoutingStrategy;
import io.tasq.core.worker.WorkerType;
import io.tasq.spi.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every worker command shares; each one is also a setting (see {@code tq config --show}). */
final class WorkerOptions {

    @Option(names = {"-w", "--workers"}, paramLabel = "N", description = "Jobs run at once (actors or child JVMs). Default: the number of CPUs.")
    Integer workers;

    @Option(names = "--worker-type", paramLabel = "TYPE",
            description = "actor (default: threads of this JVM, for I/O-bound jobs) or process (a pool of child JVMs,"
                    + " for CPU-bound jobs and isolation from jobs that exit or exhaust memory).")
    String workerType;

    @Option(names = "--router", paramLabel = "STRATEGY",
            description = "How jobs are spread over actors: round-robin (default), random, smallest-mailbox.")
    String router;

    @Option(names = "--child-heap", paramLabel = "SIZE", description = "Process workers: each child JVM's heap. Default 256m.")
    String childHeap;

    @Option(names = "--sign-key", paramLabel = "KEY",
            description = "The clients' shared HMAC-SHA256 key. Prefer TASQ_SIGN_KEY: flags show in process lists.")
    String signKey;

    @Option(names = "--public-keys", paramLabel = "FILES",
            description = "Trusted Ed25519 public keys (.pub files or directories), comma separated.")
    String publicKeys;

    @Option(names = "--insecure", description = "Accept unsigned jobs. Anyone who reaches the backend can then run code here.")
    boolean insecure;

    @Option(names = "--allow-classes", paramLabel = "PATTERNS",
            description = "Extra classes jobs may deserialize: com.acme.Type, com.acme.*, com.acme.**; comma separated.")
    String allowClasses;

    @Option(names = "--no-code-shipping", description = "Run only code on the worker's class path; ignore the classes jobs ship.")
    boolean noCodeShipping;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION",
            description = "On SIGTERM or Ctrl-C, how long running jobs may take to finish. Default 30s.")
    String shutdownTimeout;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics (HOST: --metrics-host, default 0.0.0.0).")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "The interface the metrics are served on.")
    String metricsHost;

    @Option(names = "--dashboard-port", paramLabel = "PORT",
            description = "Serve the queue's live dashboard at http://HOST:PORT/ (HOST: --dashboard-host, default"
                    + " 127.0.0.1). Read-only unless TASQ_DASHBOARD_TOKEN (setting dashboard.token) is set.")
    Integer dashboardPort;

    @Option(names = "--dashboard-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The interface the dashboard is served on.")
    String dashboardHost;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "A JSON configuration file (else TASQ_CONF).")
    Path config;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info (default), debug or trace.")
    String logLevel;

    /** The effective settings: file, environment, then these flags (and {@code extra}). */
    Settings settings(Map<String, String> extra) {
        Logging.level(logLevel);
        Map<String, String> m = new LinkedHashMap<>(extra);
        put(m, "worker.concurrency", workers == null ? null : workers.toString());
        put(m, "worker.type", workerType == null ? null : WorkerType.parse(workerType).label());
        put(m, "worker.router", router == null ? null : RoutingStrategy.parse(router).label());
        put(m, "worker.child-heap", childHeap);
        put(m, "sign.key", signKey);
        put(m, "sign.public-keys", publicKeys);
        put(m, "worker.insecure", insecure ? "true" : null);
        put(m, "worker.allow-classes", allowClasses);
        put(m, "worker.code-shipping", noCodeShipping ? "false" : null);
        put(m, "worker.shutdown-timeout", shutdownTimeout);
        return Config.load(System.getenv(), config, m, "flag");
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
