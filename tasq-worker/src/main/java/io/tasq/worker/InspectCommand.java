package io.tasq.worker;

import io.tasq.RecurringInfo;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqException;
import io.tasq.core.config.Config;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.Settings;
import io.tasq.spi.WorkerInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tq inspect}: a queue's live workers, depth, repeating jobs and dead letters. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show a queue: its live workers, its depth, its repeating jobs with their next run, its dead letters.",
            "Listing repeating jobs asks a worker with a signed request: it needs the signing key (TASQ_SIGN_KEY)."})
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-b", "--backend"}, paramLabel = "URL", description = "The queue's URL. Default: the setting 'backend'.")
    String backend;

    @Option(names = "--json", description = "Print JSON, for scripts.")
    boolean json;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "A JSON configuration file (else TASQ_CONF).")
    Path config;

    @Override
    public Integer call() throws Exception {
        Settings settings = Config.load(System.getenv(), config, backend == null ? Map.of() : Map.of("backend", backend),
                "flag");
        String url = settings.get("backend", Config.defaultOf("backend"));
        Map<String, Object> report = new LinkedHashMap<>();
        try (Backend b = OperatorBackend.open(url, settings)) {
            report.put("queue", b.describe());
            QueueAdmin admin = b.feature(QueueAdmin.class).orElse(null);
            List<WorkerInfo> workers = admin == null ? List.of() : admin.workers();
            QueueStats stats = admin == null ? QueueStats.UNKNOWN : admin.stats();
            DeadLetters dead = b.feature(DeadLetters.class).orElse(null);
            report.put("workers", workers);
            report.put("depth", stats);
            // a backend that cannot list its dead letters may still count them (Redis: its dead stream)
            report.put("deadLetters", dead == null ? stats.deadLetters() : dead.count());
            report.put("recurring", recurring(url, settings));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(report));
        } else {
            print(out, report);
        }
        return 0;
    }

    /** The queue's repeating jobs, asked of a worker; or why they could not be. */
    private static Object recurring(String url, Settings settings) {
        if (!settings.has("sign.key") && !settings.has("sign.private-key")) {
            return "unknown: a signing key is needed to ask a worker (TASQ_SIGN_KEY)";
        }
        try (TasqClient client = Tasq.builder().url(url).settings(settingsOf(settings)).client()) {
            client.connect();
            List<Map<String, Object>> out = new ArrayList<>();
            for (RecurringInfo r : client.listRecurring().unwrap(Duration.ofSeconds(10))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", r.name());
                m.put("schedule", r.schedule());
                m.put("nextRun", r.nextRun().toString());
                m.put("runs", r.runs());
                m.put("jobId", r.jobId());
                m.put("client", r.replyTo());
                out.add(m);
            }
            return out;
        } catch (TasqException e) {
            return "unknown: " + e.getMessage();
        }
    }

    private static Map<String, String> settingsOf(Settings s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : s.keys()) {
            if (!k.equals("backend")) {
                m.put(k, s.get(k).orElseThrow());
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintWriter out, Map<String, Object> report) {
        out.println("queue        " + report.get("queue"));
        List<WorkerInfo> workers = (List<WorkerInfo>) report.get("workers");
        out.println("workers      " + workers.size() + " live");
        long now = System.currentTimeMillis();
        for (WorkerInfo w : workers) {
            out.printf("  %-28s %s pid %d, %d %s, up %s, %d ok, %d failed, %d rejected, %d running, %d held, seen %d ms ago%n",
                    w.workerId(), w.host(), w.pid(), w.concurrency(), w.workerType().equals("process") ? "processes"
                            : "actors", Duration.ofMillis(now - w.startedAtMillis()).withNanos(0), w.succeeded(),
                    w.failed(), w.rejected(), w.running(), w.held(), now - w.heartbeatAtMillis());
        }
        QueueStats q = (QueueStats) report.get("depth");
        out.println("depth        waiting " + n(q.waiting()) + ", in flight " + n(q.inFlight()) + ", delayed "
                + n(q.delayed()));
        out.println("dead letters " + n((Long) report.get("deadLetters")));
        Object recurring = report.get("recurring");
        if (recurring instanceof List<?> list) {
            out.println("repeating    " + list.size());
            for (Object o : list) {
                Map<String, Object> r = (Map<String, Object>) o;
                out.printf("  %-28s %-28s next %s, %s runs%n", r.get("name"), r.get("schedule"),
                        Instant.parse((String) r.get("nextRun")), r.get("runs"));
            }
        } else {
            out.println("repeating    " + recurring);
        }
    }

    private static String n(long v) {
        return v < 0 ? "unknown" : Long.toString(v);
    }
}
