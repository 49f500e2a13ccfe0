package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The publishes of a worker's settlements that wait for the broker's confirm, by channel life and
 * publish sequence number: what a confirm settles, which of them the broker returned as unroutable,
 * and what must be done again once the channel they went out on is lost. Not thread-safe: used by the
 * consumer's IO thread only.
 */
final class Unconfirmed {

    /** A publish waiting for its confirm: the operation it carries out and where it went. */
    static final class Pending {
        final WorkerOp op;
        final String queue;
        final String messageId;
        /** Why the broker returned it, or null if it did not. */
        String returned;

        Pending(WorkerOp op, String queue, String messageId) {
            this.op = op;
            this.queue = queue;
            this.messageId = messageId;
        }
    }

    /** By channel life, then by publish sequence number. */
    private final Map<Integer, NavigableMap<Long, Pending>> pending = new HashMap<>();

    /** Whether no publish waits for its confirm. */
    boolean idle() {
        return pending.values().stream().allMatch(Map::isEmpty);
    }

    /** Records the publish {@code seq} of channel life {@code epoch}, which carries out {@code op}. */
    void add(int epoch, long seq, WorkerOp op, String queue, String messageId) {
        pending.computeIfAbsent(epoch, e -> new TreeMap<>()).put(seq, new Pending(op, queue, messageId));
    }

    /** Marks the first unmarked publish to {@code r}'s queue with its message id as returned; its confirm follows. */
    void returned(WorkerOp.Returned r) {
        for (NavigableMap<Long, Pending> m : pending.values()) {
            for (Pending p : m.values()) {
                if (p.returned == null && p.queue.equals(r.queue()) && Objects.equals(p.messageId, r.messageId())) {
                    p.returned = r.why();
                    return;
                }
            }
        }
    }

    /** Takes out, in order, the publishes {@code c} confirms (or refuses): one, or all up to its number. */
    List<Pending> take(WorkerOp.Confirmed c) {
        NavigableMap<Long, Pending> m = pending.get(c.epoch());
        if (m == null) {
            return List.of();
        }
        NavigableMap<Long, Pending> done = c.multiple() ? m.headMap(c.seq(), true) : m.subMap(c.seq(), true, c.seq(),
                true);
        List<Pending> settled = new ArrayList<>(done.values());
        done.clear();
        return settled;
    }

    /**
     * After a channel's life ended, on the channel that replaced it: takes out the publishes of every
     * other life and returns what they still need. A delivery that came on the lost channel comes back
     * from the broker by itself, so only settlements of current deliveries, results of jobs that ran and
     * free results are done again.
     */
    List<WorkerOp> salvage(Channel ch, int currentEpoch) {
        List<WorkerOp> again = new ArrayList<>();
        for (Iterator<Map.Entry<Integer, NavigableMap<Long, Pending>>> it = pending.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Integer, NavigableMap<Long, Pending>> e = it.next();
            if (e.getKey() == currentEpoch) {
                continue;
            }
            for (Pending p : e.getValue().values()) {
                if (p.op instanceof WorkerOp.CompleteAll || p.op instanceof WorkerOp.Complete
                        || p.op instanceof WorkerOp.Publish || p.op instanceof WorkerOp.Bury
                        || !DeliveryTags.stale(ch, p.op)) {
                    // results of jobs that ran are sent again whatever became of their deliveries
                    again.add(p.op);
                }
            }
            it.remove();
        }
        return again;
    }
}
