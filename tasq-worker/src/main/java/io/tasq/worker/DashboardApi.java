package io.tasq.worker;

import io.tasq.RecurringInfo;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqException;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the dashboard's page polls, and the actions it posts. Each answer is a JSON object;
 * errors are {@code {"error": "..."}} with a 4xx or 5xx status. Thread-safe.
 *
 * <pre>
 * GET  /api/overview          queue, workers, depth, dead-letter count, series of the last minutes
 * GET  /api/recurring         the queue's repeating jobs (asked of a worker, signed)
 * GET  /api/dead?max=N        the oldest dead letters
 * POST /api/auth              checks the token
 * POST /api/recurring/cancel  name=...
 * POST /api/dead/retry        id=...&amp;id=...  (none: all)
 * POST /api/dead/purge        id=...&amp;id=...  (none: all)
 * </pre>
 */
final class DashboardApi implements AutoCloseable {

    private static final Duration ASK = Duration.ofSeconds(10);

    /** An HTTP answer. */
    record Reply(int status, String type, byte[] body) {

        static Reply json(Object value) {
            return new Reply(200, "application/json; charset=utf-8", Json.compact(value).getBytes(StandardCharsets.UTF_8));
        }

        static Reply error(int status, String message) {
            return new Reply(status, "application/json; charset=utf-8",
                    Json.compact(Map.of("error", String.valueOf(message))).getBytes(StandardCharsets.UTF_8));
        }
    }

    private final String url;
    private final Settings settings;
    private final Backend backend;
    private final DashboardSampler sampler;
    private final boolean actions;
    private TasqClient client;

    DashboardApi(String url, Settings settings, Backend backend, DashboardSampler sampler, boolean actions) {
        this.url = url;
        this.settings = settings;
        this.backend = backend;
        this.sampler = sampler;
        this.actions = actions;
    }

    Reply get(String name, Map<String, List<String>> query) {
        return switch (name) {
            case "overview" -> Reply.json(overview());
            case "recurring" -> recurring();
            case "dead" -> dead(query);
            default -> Reply.error(404, "no such API: " + name);
        };
    }

    Reply post(String name, Map<String, List<String>> form) {
        return switch (name) {
            case "auth" -> Reply.json(Map.of("ok", true));
            case "recurring/cancel" -> cancel(form);
            case "dead/retry" -> deadLetters().map(d -> Reply.json(Map.of("retried", d.retry(ids(form)))))
                    .orElseGet(DashboardApi::noDeadLetters);
            case "dead/purge" -> deadLetters().map(d -> Reply.json(Map.of("purged", d.purge(ids(form)))))
                    .orElseGet(DashboardApi::noDeadLetters);
            default -> Reply.error(404, "no such action: " + name);
        };
    }

    private Map<String, Object> overview() {
        DashboardSampler.Snapshot s = sampler.snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queue", backend.describe());
        m.put("now", System.currentTimeMillis());
        m.put("actions", actions);
        m.put("sampledAt", s.sampledAt());
        m.put("error", s.error());
        m.put("workers", s.workers());
        m.put("depth", s.depth());
        m.put("deadLetters", s.depth().deadLetters());
        List<Map<String, Object>> series = new ArrayList<>();
        for (DashboardSampler.Point p : s.series()) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("t", p.t());
            point.put("ok", round(p.ok()));
            point.put("failed", round(p.failed()));
            point.put("p50", round(p.p50()));
            point.put("p99", round(p.p99()));
            point.put("waiting", p.waiting());
            point.put("inFlight", p.inFlight());
            point.put("delayed", p.delayed());
            point.put("workers", p.workers());
            series.add(point);
        }
        m.put("series", series);
        return m;
    }

    private Reply recurring() {
        try {
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (RecurringInfo r : client().listRecurring().unwrap(ASK)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", r.name());
                m.put("schedule", r.schedule());
                m.put("nextRun", r.nextRun().toEpochMilli());
                m.put("runs", r.runs());
                m.put("jobId", r.jobId());
                m.put("client", r.replyTo());
                jobs.add(m);
            }
            return Reply.json(Map.of("jobs", jobs));
        } catch (TasqException e) {
            return Reply.error(503, "cannot list the repeating jobs: " + e.getMessage());
        }
    }

    private Reply cancel(Map<String, List<String>> form) {
        String name = form.getOrDefault("name", List.of()).stream().findFirst().orElse("");
        if (name.isEmpty()) {
            return Reply.error(400, "name the repeating job to cancel: name=...");
        }
        try {
            return Reply.json(Map.of("name", name, "cancelled", client().cancelRecurring(name).unwrap(ASK)));
        } catch (TasqException e) {
            return Reply.error(503, "cannot cancel '" + name + "': " + e.getMessage());
        }
    }

    private Reply dead(Map<String, List<String>> query) {
        DeadLetters dead = deadLetters().orElse(null);
        if (dead == null) {
            return noDeadLetters();
        }
        int max = 100;
        List<String> asked = query.getOrDefault("max", List.of());
        if (!asked.isEmpty()) {
            try {
                max = Math.max(1, Math.min(1000, Integer.parseInt(asked.get(0))));
            } catch (NumberFormatException e) {
                return Reply.error(400, "max must be a number");
            }
        }
        List<Map<String, Object>> letters = new ArrayList<>();
        for (DeadLetter d : dead.list(max)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("jobId", d.jobId());
            m.put("reason", d.reason());
            m.put("attempts", d.attempts());
            m.put("deadAt", d.deadAtMillis());
            m.put("bytes", d.envelope().length);
            letters.add(m);
        }
        return Reply.json(Map.of("count", dead.count(), "letters", letters));
    }

    private java.util.Optional<DeadLetters> deadLetters() {
        return backend.feature(DeadLetters.class);
    }

    private static Reply noDeadLetters() {
        return Reply.error(404, "this backend keeps no dead letters");
    }

    private static List<String> ids(Map<String, List<String>> form) {
        return form.getOrDefault("id", List.of()).stream().filter(s -> !s.isEmpty()).toList();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The client that asks a worker for the repeating jobs; opened on first use, kept. */
    private synchronized TasqClient client() {
        if (!settings.has("sign.key") && !settings.has("sign.private-key")) {
            throw new io.tasq.ConfigurationException("a signing key is needed to ask a worker (TASQ_SIGN_KEY)");
        }
        if (client == null) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String k : settings.keys()) {
                if (!k.equals("backend") && !k.startsWith("dashboard.")) {
                    m.put(k, settings.get(k).orElseThrow());
                }
            }
            client = Tasq.builder().url(url).settings(m).client();
            client.connect();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
