package io.tasq.worker;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON output of the launcher's commands, with jackson-jr; records are written field by field. */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        try {
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(plain(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** On one line, for the dashboard's API. */
    static String compact(Object value) {
        try {
            return JSON.std.asString(plain(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records as maps, recursively, so jackson-jr writes them without bean conventions. */
    static Object plain(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Json::plain).toList();
        }
        if (value instanceof WorkerInfo w) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workerId", w.workerId());
            m.put("host", w.host());
            m.put("pid", w.pid());
            m.put("backend", w.backend());
            m.put("workerType", w.workerType());
            m.put("concurrency", w.concurrency());
            m.put("startedAt", w.startedAtMillis());
            m.put("succeeded", w.succeeded());
            m.put("failed", w.failed());
            m.put("rejected", w.rejected());
            m.put("running", w.running());
            m.put("held", w.held());
            m.put("heartbeatAt", w.heartbeatAtMillis());
            m.put("intervalMillis", w.intervalMillis());
            m.put("runP50Millis", w.runP50Millis());
            m.put("runP99Millis", w.runP99Millis());
            return m;
        }
        if (value instanceof QueueStats q) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("waiting", q.waiting());
            m.put("inFlight", q.inFlight());
            m.put("delayed", q.delayed());
            m.put("deadLetters", q.deadLetters());
            return m;
        }
        return value;
    }
}
