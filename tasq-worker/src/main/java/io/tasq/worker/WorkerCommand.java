package io.tasq.worker;

import io.tasq.core.actor.RoutingStrategy;
import io.tasq.core.config.Config;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tq worker}: runs one worker until interrupted. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: take jobs from a backend, run them, send the results back.")
final class WorkerCommand implements Callable<Integer> {

    @Option(names = {"-b", "--backend"}, paramLabel = "URL",
            description = "zmq://host:port (brokerless), redis://host:port/db?name=Q or amqp://user:pass@host:port/vhost?name=Q."
                    + " Default: the setting 'backend', else zmq://127.0.0.1:9000.")
    String backend;

    @Option(names = {"-w", "--workers"}, paramLabel = "N", description = "Jobs run at once. Default: the number of CPUs.")
    Integer workers;

    @Option(names = "--router", paramLabel = "STRATEGY",
            description = "How jobs are spread over actors: round-robin (default), random, smallest-mailbox.")
    String router;

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

    @Option(names = "--no-code-shipping",
            description = "Run only code on the worker's class path; ignore the classes jobs ship.")
    boolean noCodeShipping;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION",
            description = "On SIGTERM or Ctrl-C, how long running jobs may take to finish. Default 30s.")
    String shutdownTimeout;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "A JSON configuration file (else TASQ_CONF).")
    Path config;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info (default), debug or trace.")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        Logging.level(logLevel);
        Settings settings = Config.load(System.getenv(), config, flags(), "flag");
        Worker worker = Worker.builder()
                .backend(settings.get("backend", Config.defaultOf("backend")))
                .settings(settings)
                .build();
        Duration grace = settings.getDuration("worker.shutdown-timeout", Duration.ofSeconds(30));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.stop(grace);
            // a stop asked for by SIGTERM or Ctrl-C that went well is a normal end: exit 0, not 143
            Runtime.getRuntime().halt(0);
        }, "tq-shutdown"));
        worker.start();
        worker.awaitTermination();
        return 0;
    }

    private Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "backend", backend);
        put(m, "worker.concurrency", workers == null ? null : workers.toString());
        put(m, "worker.router", router == null ? null : RoutingStrategy.parse(router).label());
        put(m, "sign.key", signKey);
        put(m, "sign.public-keys", publicKeys);
        put(m, "worker.insecure", insecure ? "true" : null);
        put(m, "worker.allow-classes", allowClasses);
        put(m, "worker.shutdown-timeout", shutdownTimeout);
        put(m, "worker.code-shipping", noCodeShipping ? "false" : null);
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
