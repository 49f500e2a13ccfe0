package io.tasq.worker;

import io.tasq.ConfigurationException;
import io.tasq.bench.BenchTarget;
import io.tasq.bench.RawEcho;
import io.tasq.core.config.Config;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Durations;
import io.tasq.spi.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tq bench}: how many trivial jobs a backend moves, and how fast one comes back. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure throughput and round-trip latency of trivial jobs (a job that returns its argument)"
                + " on a backend, with HMAC signing on, as a deployment would run them.",
            "--raw measures the same load as a bare echo through the backend's client library (the transport's own"
                + " limit); --compare runs both and prints Tasq's figures as ratios of the raw ones."},
        footer = {"", "Examples:",
            "  tq bench --backend zmq://127.0.0.1:9000 --duration 15s",
            "  tq bench --backend 'redis://localhost:6379/0' --in-flight 1 --compare",
            "  tq bench --backend 'amqp://guest:guest@localhost:5672/%%2f' --clients 4 --json",
            "Unless the URL names a queue, Redis and RabbitMQ runs use the queue 'tasq-bench'."})
final class BenchCommand implements Callable<Integer> {

    /** The load of a run, as the options set it. */
    record Load(int clients, int inFlight, int payload, int workers, long jobs, Duration duration, Duration warmup) {
    }

    @Spec
    CommandSpec spec;

    @Option(names = {"-b", "--backend"}, paramLabel = "URL", description = "Where to run: zmq://, redis:// or amqp:// URL."
            + " Default: the setting 'backend', else zmq://127.0.0.1:9000.")
    String backend;

    @Option(names = "--jobs", paramLabel = "N", description = "Stop after N jobs (after the warm-up) instead of after --duration.")
    long jobs;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", description = "How long to measure. Default ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s", description = "Run first, not counted. Default ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--in-flight", paramLabel = "K", defaultValue = "100",
            description = "Jobs each client keeps in flight (1: one at a time, for latency). Default ${DEFAULT-VALUE}.")
    int inFlight;

    @Option(names = "--clients", paramLabel = "C", defaultValue = "1", description = "Clients, each with its own connection. Default ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "100", description = "The job's argument (and result) size. Default ${DEFAULT-VALUE}.")
    int payload;

    @Option(names = "--workers", paramLabel = "W", defaultValue = "1",
            description = "Workers started for the run, with the default concurrency (0: use the workers already running,"
                    + " which need TASQ_SIGN_KEY and --allow-classes io.tasq.worker.TasqTarget). Default ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--spawn", description = "Start the workers as child JVMs (tq worker; JVM options from TASQ_BENCH_WORKER_OPTS)"
            + " instead of in this JVM.")
    boolean spawn;

    @Option(names = "--raw", description = "Measure only the bare echo through the backend's client library.")
    boolean raw;

    @Option(names = "--compare", description = "Measure the bare echo, then Tasq, and print Tasq's figures as ratios of the echo's.")
    boolean compare;

    @Option(names = "--raw-threads", paramLabel = "N", defaultValue = "4", description = "Redis echo: threads answering. Default ${DEFAULT-VALUE}.")
    int rawThreads;

    @Option(names = "--memory", paramLabel = "client|worker", description = "Instead of a load, measure heap: 'client'"
            + " submits --jobs trivial jobs (default 100000) with no worker up and holds them; 'worker' starts a worker and"
            + " leaves it idle for --duration. Prints the used heap after a full GC; one measurement per JVM.")
    String memory;

    @Option(names = "--json", description = "Print the figures as JSON (the progress line goes to stderr).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    boolean quiet;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "A JSON configuration file (else TASQ_CONF).")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (inFlight < 1 || clients < 1 || payload < 0 || workers < 0 || jobs < 0) {
            throw new ConfigurationException("--in-flight and --clients must be at least 1; --payload, --workers and --jobs"
                    + " at least 0");
        }
        Logging.level("warn");
        Settings settings = Config.load(System.getenv(), config, backend == null ? Map.of() : Map.of("backend", backend),
                "flag");
        String url = queueNamed(settings.get("backend").orElse("zmq://127.0.0.1:9000"));
        Load load = new Load(clients, inFlight, payload, workers, jobs, Durations.parse(duration, "--duration"),
                Durations.parse(warmup, "--warmup"));
        if (memory != null) {
            return memory(url, settings, load);
        }
        PrintWriter err = spec.commandLine().getErr();
        BenchDriver driver = new BenchDriver(load, quiet ? null : err);
        String shown = BackendUri.mask(url);
        BenchResult rawResult = null;
        BenchResult tasqResult = null;
        if (raw || compare) {
            try (BenchTarget t = RawEcho.open(url, rawThreads)) {
                rawResult = driver.run("raw", shown, t);
            }
        }
        if (!raw) {
            Settings workerSettings = signed(settings);
            Map<String, String> clientSettings = clientSettings(workerSettings);
            String key = workerSettings.get("sign.key").orElse(null);
            try (BenchTarget t = TasqTarget.start(url, workerSettings, clientSettings, workers, spawn, key)) {
                tasqResult = driver.run("tasq", shown, t);
            }
        }
        print(spec.commandLine().getOut(), rawResult, tasqResult);
        return 0;
    }

    /** The settings with a signing key: the configured one, else one made for this run. */
    private Settings signed(Settings settings) {
        if (settings.has("sign.key") || settings.has("sign.private-key")) {
            return settings;
        }
        if (workers == 0) {
            throw new ConfigurationException("--workers 0 uses running workers: give their key in TASQ_SIGN_KEY");
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return settings.with("sign.key", Base64.getEncoder().encodeToString(k), "tq bench");
    }

    /** What a client takes of the settings: signing, client and code-shipping ones. */
    private static Map<String, String> clientSettings(Settings settings) {
        Map<String, String> clientSettings = new LinkedHashMap<>();
        for (String k : settings.keys()) {
            if (k.startsWith("sign.") || k.startsWith("client.") || k.startsWith("ship.")) {
                clientSettings.put(k, settings.get(k).orElseThrow());
            }
        }
        return clientSettings;
    }

    private int memory(String url, Settings settings, Load load) throws InterruptedException {
        Settings s = signed(settings);
        Map<String, Object> m = switch (memory) {
            case "client" -> BenchMemory.client(url, clientSettings(s), jobs > 0 ? jobs : 100_000, payload);
            case "worker" -> BenchMemory.worker(url, s, load.duration());
            default -> throw new ConfigurationException("--memory takes 'client' or 'worker', not '" + memory + "'");
        };
        m.put("backend", BackendUri.mask(url));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(m));
        } else if (memory.equals("client")) {
            out.printf(Locale.ROOT, "client holding %,d jobs (no worker up): %.1f MiB of heap used after GC (%.1f MiB "
                    + "before the client; %,d bytes per job)%n", m.get("jobs"), m.get("heapUsedMiB"), m.get("heapBeforeMiB"),
                    m.get("bytesPerJob"));
        } else {
            out.printf(Locale.ROOT, "worker idle for %d s: %.1f MiB of heap used after GC (%.1f MiB before it started)%n",
                    m.get("idleSeconds"), m.get("heapUsedMiB"), m.get("heapBeforeMiB"));
        }
        out.flush();
        return 0;
    }

    /** Redis and RabbitMQ runs use the queue 'tasq-bench' unless the URL names one. */
    private static String queueNamed(String url) {
        BackendUri uri = BackendUri.parse(url);
        if (uri.scheme().startsWith("zmq") || uri.scheme().equals("tcp") || uri.param("name").isPresent()) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "name=tasq-bench";
    }

    private void print(PrintWriter out, BenchResult rawResult, BenchResult tasqResult) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (rawResult != null && tasqResult != null) {
                m.put("raw", rawResult.toMap());
                m.put("tasq", tasqResult.toMap());
                m.put("throughputRatio", BenchResult.round(tasqResult.perSecond() / rawResult.perSecond(), 3));
                m.put("p50Ratio", BenchResult.round(tasqResult.p50() / rawResult.p50(), 3));
            } else {
                m.putAll((rawResult != null ? rawResult : tasqResult).toMap());
            }
            out.println(Json.write(m));
        } else {
            BenchResult any = rawResult != null ? rawResult : tasqResult;
            out.printf(Locale.ROOT, "%s: %d client(s) x %d in flight, %d-byte payload, %d worker(s)%n", any.backend(),
                    clients, inFlight, payload, workers);
            if (rawResult != null) {
                out.println(rawResult.text());
            }
            if (tasqResult != null) {
                out.println(tasqResult.text());
            }
            if (rawResult != null && tasqResult != null) {
                out.printf(Locale.ROOT, "tasq/raw: throughput %.2fx (%.0f%%), p50 %.2fx, p99 %.2fx%n",
                        tasqResult.perSecond() / rawResult.perSecond(), 100 * tasqResult.perSecond() / rawResult.perSecond(),
                        tasqResult.p50() / rawResult.p50(), tasqResult.p99() / rawResult.p99());
            }
        }
        out.flush();
    }
}
