package io.tasq.worker;

import io.tasq.ConfigurationException;
import io.tasq.core.config.Config;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tq worker}: runs one worker until interrupted. */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a worker: take jobs from a backend, run them, send the results back.",
        footer = {"", "Examples:",
            "  tq worker --backend zmq://0.0.0.0:9000 --workers 8",
            "  tq worker --backend 'redis://localhost:6379/0?name=reports' --worker-type process",
            "  tq worker --backend 'amqp://guest:guest@localhost:5672/%%2f?name=mail' -f conf.json"})
class WorkerCommand implements Callable<Integer> {

    @Option(names = {"-b", "--backend"}, paramLabel = "URL",
            description = "zmq://host:port (brokerless), redis://host:port/db?name=Q or amqp://user:pass@host:port/vhost?name=Q."
                    + " Default: the setting 'backend', else ${DEFAULT-VALUE}.")
    String backend;

    @Mixin
    WorkerOptions options;

    /** The URL used when neither --backend nor the setting names one. */
    String defaultBackend() {
        return Config.defaultOf("backend");
    }

    /** Whether a configured 'backend' setting fits this command (the shorthands take only their scheme). */
    boolean accepts(String url) {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = options.settings(backend == null ? Map.of() : Map.of("backend", backend));
        String url = settings.get("backend").filter(this::accepts).orElse(defaultBackend());
        Worker worker = Worker.builder().backend(url).settings(settings).build();
        return run(List.of(worker), settings, options, url);
    }

    /**
     * Starts the workers, stops them all on SIGTERM or Ctrl-C, and returns when they stopped.
     *
     * @param url the queue the dashboard shows ({@code --dashboard-port}); {@code null} when the
     *     workers are not one queue, which then refuses the option
     */
    static int run(List<Worker> workers, Settings settings, WorkerOptions options, String url)
            throws InterruptedException {
        Duration grace = settings.getDuration("worker.shutdown-timeout", Duration.ofSeconds(30));
        if (options.dashboardPort != null && url == null) {
            throw new ConfigurationException("--dashboard-port shows one queue; for several brokerless workers run "
                    + "tq dashboard --backend zmq://HOST:PORT,HOST:PORT,...");
        }
        MetricsEndpoint metrics = options.metricsPort == null ? null
                : new MetricsEndpoint(options.metricsHost, options.metricsPort);
        Dashboard dashboard = options.dashboardPort == null ? null : new Dashboard(url, settings,
                options.dashboardHost, options.dashboardPort, settings.get("dashboard.token", null));
        Shutdown.onSignal(() -> {
            if (dashboard != null) {
                dashboard.close();
            }
            workers.parallelStream().forEach(w -> w.stop(grace));
            if (metrics != null) {
                metrics.close();
            }
        });
        for (Worker w : workers) {
            w.start();
        }
        int exit = 0;
        for (Worker w : workers) {
            w.awaitTermination();
            if (w.failure().isPresent()) {
                System.err.println("tq: worker " + w.id() + " stopped because its transport failed: "
                        + w.failure().get());
                exit = 1;
            }
        }
        return exit;
    }
}
