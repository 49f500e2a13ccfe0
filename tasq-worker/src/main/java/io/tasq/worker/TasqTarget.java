package io.tasq.worker;

import io.tasq.Tasq;
import io.tasq.Task1;
import io.tasq.TasqClient;
import io.tasq.bench.BenchTarget;
import io.tasq.core.worker.Worker;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Tasq end to end: clients submit a job that returns its argument, workers (started here, in this
 * JVM or as child {@code tq worker} JVMs, or already running) run it and send it back.
 */
final class TasqTarget implements BenchTarget {

    /** The job: its argument back. A Tasq class, so on every worker's class path and never shipped. */
    static final Task1<byte[], byte[]> ECHO = p -> p;

    private final String clientUrl;
    private final Map<String, String> clientSettings;
    private final List<TasqClient> clients = new CopyOnWriteArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private TasqTarget(String clientUrl, Map<String, String> clientSettings) {
        this.clientUrl = clientUrl;
        this.clientSettings = clientSettings;
    }

    /**
     * Starts {@code count} workers for {@code url} (none: use the running ones). Brokerless workers
     * each listen on their own port from the URL's (port, port + 2, ...) and the clients use them as a pool.
     */
    static TasqTarget start(String url, Settings workerSettings, Map<String, String> clientSettings, int count,
            boolean spawn, String signKey) throws IOException {
        BackendUri uri = BackendUri.parse(url);
        boolean zmq = uri.scheme().equals("zmq") || uri.scheme().equals("tcp");
        List<String> workerUrls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (zmq && count > 1) {
                BackendUri.HostPort hp = uri.host("127.0.0.1", 9000);
                workerUrls.add("zmq://" + hp.host() + ":" + (hp.port() + 2 * i));
            } else {
                workerUrls.add(url);
            }
        }
        String clientUrl = zmq && count > 1
                ? "zmq://" + String.join(",", workerUrls.stream().map(u -> u.substring("zmq://".length())).toList())
                : url;
        TasqTarget t = new TasqTarget(clientUrl, clientSettings);
        // the job's lambda names this class, which workers do not deserialize unless allowed
        String allowed = workerSettings.get("worker.allow-classes").map(a -> a + ",").orElse("") + TasqTarget.class.getName();
        workerSettings = workerSettings.with("worker.allow-classes", allowed, "tq bench");
        for (String w : workerUrls) {
            if (spawn) {
                t.processes.add(spawn(w, signKey));
            } else {
                t.workers.add(Worker.builder().backend(w).settings(workerSettings).build().start());
            }
        }
        return t;
    }

    /** A child {@code tq worker} JVM on this class path; JVM options from TASQ_BENCH_WORKER_OPTS. */
    private static Process spawn(String url, String signKey) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv("TASQ_BENCH_WORKER_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.strip().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Tq.class.getName(), "worker", "--backend", url,
                "--log-level", "warn", "--allow-classes", TasqTarget.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (signKey != null) {
            pb.environment().put("TASQ_SIGN_KEY", signKey);
        }
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }

    @Override
    public Lane open(int client, Answers answers) {
        TasqClient c = Tasq.builder().url(clientUrl).settings(clientSettings).client();
        clients.add(c);
        c.connect();
        return (payload, start) -> c.schedule(ECHO, payload).whenComplete((v, e) -> answers.answered(start, e == null));
    }

    @Override
    public void close() {
        clients.forEach(TasqClient::disconnect);
        workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
