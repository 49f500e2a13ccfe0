package io.tasq.backend.redis;

import io.tasq.spi.WorkerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Where a queue's workers announce themselves: each worker's latest {@link WorkerInfo} is a hash
 * ({@link Keys#worker}, one field per component, as text) that expires when the worker would count
 * as gone, and the index {@link Keys#workers} finds them ({@code heartbeat.lua}). A worker that
 * stops deletes both; one that vanishes expires. Stateless and thread-safe.
 */
final class Heartbeats {

    private Heartbeats() {
    }

    /** How long a heartbeat keeps its worker listed: three intervals, as {@link WorkerInfo#liveAt}. */
    static long ttlMillis(WorkerInfo info) {
        return 3 * Math.max(info.intervalMillis(), 100);
    }

    /** Writes {@code info} as its worker's latest heartbeat. */
    static void write(Jedis j, Keys keys, WorkerInfo info) {
        List<byte[]> args = new ArrayList<>(34);
        args.add(Keys.bytes(info.workerId()));
        args.add(Keys.bytes(Long.toString(ttlMillis(info))));
        encode(info).forEach((k, v) -> {
            args.add(Keys.bytes(k));
            args.add(Keys.bytes(v));
        });
        Script.HEARTBEAT.run(j, List.of(keys.workers(), keys.worker(info.workerId())), args);
    }

    /** Deletes the heartbeat of {@code workerId}: it stopped. */
    static void delete(Jedis j, Keys keys, String workerId) {
        Pipeline p = j.pipelined();
        p.del(keys.worker(workerId));
        p.zrem(keys.workers(), Keys.bytes(workerId));
        p.sync();
    }

    /** The latest heartbeat of every worker still listed, by id; those that do not read are left out. */
    static List<WorkerInfo> read(Jedis j, Keys keys) {
        List<byte[]> ids = j.zrange(keys.workers(), 0, -1);
        Pipeline p = j.pipelined();
        List<Response<Map<byte[], byte[]>>> replies = new ArrayList<>(ids.size());
        for (byte[] id : ids) {
            replies.add(p.hgetAll(keys.worker(Entries.text(id))));
        }
        p.sync();
        List<WorkerInfo> out = new ArrayList<>(ids.size());
        for (Response<Map<byte[], byte[]>> r : replies) {
            Map<String, String> fields = new HashMap<>();
            r.get().forEach((k, v) -> fields.put(Entries.text(k), Entries.text(v)));
            decode(fields).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(WorkerInfo::workerId));
        return out;
    }

    static Map<String, String> encode(WorkerInfo i) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("workerId", i.workerId());
        m.put("host", i.host());
        m.put("pid", Long.toString(i.pid()));
        m.put("backend", i.backend());
        m.put("workerType", i.workerType());
        m.put("concurrency", Integer.toString(i.concurrency()));
        m.put("startedAt", Long.toString(i.startedAtMillis()));
        m.put("succeeded", Long.toString(i.succeeded()));
        m.put("failed", Long.toString(i.failed()));
        m.put("rejected", Long.toString(i.rejected()));
        m.put("running", Long.toString(i.running()));
        m.put("held", Long.toString(i.held()));
        m.put("heartbeatAt", Long.toString(i.heartbeatAtMillis()));
        m.put("intervalMillis", Long.toString(i.intervalMillis()));
        m.put("runP50Millis", Double.toString(i.runP50Millis()));
        m.put("runP99Millis", Double.toString(i.runP99Millis()));
        return m;
    }

    /** The heartbeat in {@code m}; empty if it expired meanwhile or is not one Tasq wrote. */
    static Optional<WorkerInfo> decode(Map<String, String> m) {
        if (m.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WorkerInfo(m.get("workerId"), m.get("host"), Long.parseLong(m.get("pid")),
                    m.get("backend"), m.get("workerType"), Integer.parseInt(m.get("concurrency")),
                    Long.parseLong(m.get("startedAt")), Long.parseLong(m.get("succeeded")),
                    Long.parseLong(m.get("failed")), Long.parseLong(m.get("rejected")),
                    Long.parseLong(m.get("running")), Long.parseLong(m.get("held")),
                    Long.parseLong(m.get("heartbeatAt")), Long.parseLong(m.get("intervalMillis")),
                    Double.parseDouble(m.get("runP50Millis")), Double.parseDouble(m.get("runP99Millis"))));
        } catch (RuntimeException e) {
            // a missing or garbled field (NullPointerException, NumberFormatException): not ours
            return Optional.empty();
        }
    }
}
