package io.tasq.backend.zmq;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker keeps for clients it cannot send to now (away, or not yet proven their key): at
 * most {@code zmq.max-held-results} messages, each for {@code zmq.result-ttl}, the oldest dropped
 * first. Not thread-safe: owned by the worker's IO thread.
 */
final class HeldResults {

    private static final Logger LOG = LoggerFactory.getLogger(HeldResults.class);

    /**
     * A message for a client: a result (with a body) or a hand-back (without).
     *
     * @param replyTo the client id, from the verified envelope (a result) or the job frame (a hand-back)
     */
    record Out(String replyTo, byte[] command, byte[] jobId, byte[] body) {
    }

    private record Held(long at, Out out) {
    }

    private final ZmqSettings settings;
    private final String where;
    private final Map<String, ArrayDeque<Held>> byClient = new HashMap<>();
    private final Bursts drops = new Bursts();
    private int count;

    HeldResults(ZmqSettings settings, String where) {
        this.settings = settings;
        this.where = where;
    }

    void hold(Out o) {
        if (settings.maxHeldResults() == 0) {
            warnDropped(o.replyTo(), "it keeps none (zmq.max-held-results is 0)");
            return;
        }
        ArrayDeque<Held> q = byClient.computeIfAbsent(o.replyTo(), k -> new ArrayDeque<>());
        q.add(new Held(System.currentTimeMillis(), o));
        if (++count > settings.maxHeldResults()) {
            q.poll();
            count--;
            if (q.isEmpty()) {
                byClient.remove(o.replyTo());
            }
            warnDropped(o.replyTo(), "more than " + settings.maxHeldResults() + " wait for clients");
        }
    }

    private void warnDropped(String client, String why) {
        long n = drops.count(System.currentTimeMillis());
        if (n > 0) {
            LOG.warn("worker on {} dropped {} result(s) for clients it cannot reach (the last for client {}): {}", where,
                    n, client, why);
        }
    }

    /** Sends what is held for this client, in order, as long as {@code send} takes it. */
    void flush(String client, Predicate<Out> send) {
        ArrayDeque<Held> q = byClient.get(client);
        while (q != null && !q.isEmpty()) {
            if (!send.test(q.peek().out())) {
                return;
            }
            q.poll();
            count--;
        }
        byClient.remove(client);
    }

    void expire(long now) {
        long ttl = settings.resultTtl().toMillis();
        for (Iterator<Map.Entry<String, ArrayDeque<Held>>> it = byClient.entrySet().iterator(); it.hasNext(); ) {
            ArrayDeque<Held> q = it.next().getValue();
            while (!q.isEmpty() && now - q.peek().at() > ttl) {
                q.poll();
                count--;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }

    int count() {
        return count;
    }
}
