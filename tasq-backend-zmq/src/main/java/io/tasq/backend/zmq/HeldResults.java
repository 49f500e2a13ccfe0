package io.tasq.backend.zmq;

import java.time.Clock;
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
 * first. Not thread-safe: owned by the worker's IO thread. Time comes from the {@link Clock} it is given.
 */
final class HeldResults {

    private static final Logger LOG = LoggerFactory.getLogger(HeldResults.class);

    private record Held(long at, ClientMessage out) {
    }

    private final ZmqSettings settings;
    private final String where;
    private final Clock clock;
    private final Map<String, ArrayDeque<Held>> byClient = new HashMap<>();
    private final Bursts drops = new Bursts();
    private int count;

    /** @param where the worker, for the log */
    HeldResults(ZmqSettings settings, String where, Clock clock) {
        this.settings = settings;
        this.where = where;
        this.clock = clock;
    }

    /**
     * Keeps a message for its client. Past {@code zmq.max-held-results} in all, the oldest held for
     * <em>this</em> client is dropped, which is this message itself when the client had none held.
     */
    void hold(ClientMessage o) {
        if (settings.maxHeldResults() == 0) {
            warnDropped(o.replyTo(), "it keeps none (zmq.max-held-results is 0)");
            return;
        }
        ArrayDeque<Held> q = byClient.computeIfAbsent(o.replyTo(), k -> new ArrayDeque<>());
        q.add(new Held(clock.millis(), o));
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
        long n = drops.count(clock.millis());
        if (n > 0) {
            LOG.warn("worker on {} dropped {} result(s) for clients it cannot reach (the last for client {}): {}", where,
                    n, client, why);
        }
    }

    /** Sends what is held for this client, in order, as long as {@code send} takes it. */
    void flush(String client, Predicate<ClientMessage> send) {
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

    /** Drops what has been held longer than {@code zmq.result-ttl}. */
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
