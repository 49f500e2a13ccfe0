package io.tasq.core.internal.wire;

import io.tasq.JobOptions;
import io.tasq.spi.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's lifecycle options (retries, backoff, time limit, unique key) as they travel, in the
 * envelope's signed options, and as the worker reads them back.
 *
 * @param retries how many times a failed attempt is retried
 * @param backoff the wait before the first retry
 * @param maxBackoff the longest wait between retries
 * @param timeout the time limit, or {@code null}
 * @param uniqueKey the unique key, or {@code null}
 * @param uniqueTtl how long the unique key is held at most, or {@code null}
 */
public record JobPolicy(int retries, Duration backoff, Duration maxBackoff, Duration timeout, String uniqueKey,
        Duration uniqueTtl) {

    private static final JobPolicy NONE = new JobPolicy(0, JobOptions.DEFAULT_BACKOFF, JobOptions.DEFAULT_MAX_BACKOFF,
            null, null, null);

    /** The options a client writes for {@code options}. */
    public static Map<String, String> options(JobOptions options) {
        Map<String, String> m = new LinkedHashMap<>();
        if (options.retries() > 0) {
            m.put("retries", Integer.toString(options.retries()));
            m.put("backoff", options.backoff().toString());
            m.put("backoff-max", options.maxBackoff().toString());
        }
        options.timeout().ifPresent(t -> m.put("timeout", t.toString()));
        options.uniqueKey().ifPresent(k -> m.put("unique", k));
        options.uniqueTtl().ifPresent(t -> m.put("unique-ttl", t.toString()));
        return m;
    }

    /** The policy of an envelope; unreadable values fall back to no retry and no limit. */
    public static JobPolicy of(JobEnvelope env) {
        Map<String, String> o = env.options();
        if (o.isEmpty()) {
            return NONE;
        }
        int retries;
        try {
            retries = Math.max(0, Math.min(1000, Integer.parseInt(o.getOrDefault("retries", "0"))));
        } catch (NumberFormatException e) {
            retries = 0;
        }
        return new JobPolicy(retries, duration(o.get("backoff"), JobOptions.DEFAULT_BACKOFF),
                duration(o.get("backoff-max"), JobOptions.DEFAULT_MAX_BACKOFF), duration(o.get("timeout"), null),
                o.get("unique"), duration(o.get("unique-ttl"), null));
    }

    private static Duration duration(String text, Duration fallback) {
        return text == null ? fallback : Durations.tryParse(text).orElse(fallback);
    }
}
