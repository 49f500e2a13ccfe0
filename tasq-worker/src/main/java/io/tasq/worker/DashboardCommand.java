package io.tasq.worker;

import io.tasq.core.config.Config;
import io.tasq.spi.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tq dashboard}: a live web page of a queue, until interrupted. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a live web page of a queue: workers, charts, depth, scheduled jobs, dead letters.",
            "Its charts cover the last minutes: throughput and run time from the workers' heartbeats, and the depth.",
            "Read-only unless started with a token; cancelling scheduled jobs and retrying or purging dead letters",
            "then need it.",
            "It answers only requests for the address it serves (for a loopback one also localhost, 127.0.0.1 and "
                    + "[::1]; for 0.0.0.0 this host's addresses and name) or a name in --allowed-hosts, others with 421, "
                    + "so that no page elsewhere can read it by DNS rebinding; and it refuses actions sent from another "
                    + "site (Origin) with 403."},
        footer = {"", "Examples:",
            "  tq dashboard --backend zmq://127.0.0.1:9000",
            "  TASQ_DASHBOARD_TOKEN=s3cret tq dashboard --backend 'redis://localhost:6379/0?name=orders' --host 0.0.0.0",
            "  tq dashboard -b zmq://127.0.0.1:9000 --allowed-hosts dash.example.com"})
final class DashboardCommand implements Callable<Integer> {

    @Option(names = {"-b", "--backend"}, paramLabel = "URL", description = "The queue's URL. Default: the setting 'backend'.")
    String backend;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "8080",
            description = "The port to serve on. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The interface to serve on. Default ${DEFAULT-VALUE}; 0.0.0.0 for every interface.")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Allow actions (cancel, retry, purge) to who sends this token. Prefer TASQ_DASHBOARD_TOKEN:"
                    + " flags show in process lists.")
    String token;

    @Option(names = "--allowed-hosts", paramLabel = "HOST[:PORT],...",
            description = "More names the dashboard is reached by (a proxy's, a DNS name): requests for any other"
                    + " Host are refused with 421. Default: the setting dashboard.allowed-hosts.")
    String allowedHosts;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "A JSON configuration file (else TASQ_CONF).")
    Path config;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info (default), debug or trace.")
    String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        Logging.level(logLevel);
        Map<String, String> flags = new LinkedHashMap<>();
        if (backend != null) {
            flags.put("backend", backend);
        }
        if (token != null) {
            flags.put("dashboard.token", token);
        }
        if (allowedHosts != null) {
            flags.put(Dashboard.ALLOWED_HOSTS, allowedHosts);
        }
        Settings settings = Config.load(System.getenv(), config, flags, "flag");
        String url = settings.get("backend", Config.defaultOf("backend"));
        Dashboard dashboard = new Dashboard(url, settings, host, port, settings.get("dashboard.token", null));
        CountDownLatch stopped = new CountDownLatch(1);
        Shutdown.onSignal(() -> {
            dashboard.close();
            stopped.countDown();
        });
        stopped.await();
        return 0;
    }
}
