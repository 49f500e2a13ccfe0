package io.tasq.backend.zmq;

import io.tasq.spi.DeadLetter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's dead letters, in memory (there is no broker to keep them), oldest first, at most
 * {@code zmq.max-dead-letters}: past it the oldest is dropped and counted. A message refused before
 * verification keeps only {@link io.tasq.spi.Limits#refusedBytes its first bytes}, so that what a
 * hostile peer sends costs the worker at most that much per dead letter. Thread-safe.
 */
final class DeadLetterStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    /** The longest reason kept: reasons may quote what a peer sent. */
    private static final int MAX_REASON = 2_000;

    // guarded by this
    private final ArrayDeque<DeadLetter> letters = new ArrayDeque<>();
    private long dropped;
    private long ids;
    private final Bursts drops = new Bursts();
    private final int max;
    private final String idPrefix;
    private final String where;

    /**
     * @param max how many to keep at most
     * @param idPrefix starts every id, so that ids are unique across the workers of a pool (an
     *     operator's retry or purge goes to all of them)
     * @param where the worker, for the log
     */
    DeadLetterStore(int max, String idPrefix, String where) {
        this.max = max;
        this.idPrefix = idPrefix;
        this.where = where;
    }

    /** Adds one, dropping the oldest past the cap. */
    void add(String jobId, String client, byte[] body, int attempts, String reason) {
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        long total;
        synchronized (this) {
            letters.add(new DeadLetter(idPrefix + "-" + ++ids + "|" + client, jobId, body, why, attempts,
                    System.currentTimeMillis()));
            if (letters.size() <= max) {
                return;
            }
            letters.pollFirst();
            total = ++dropped;
        }
        long burst = drops.count(System.currentTimeMillis());
        if (burst > 0) {
            LOG.warn("worker on {}: its {} dead letters are full; dropped the oldest ({} since the last such line, "
                    + "{} in all; tq dead list shows what is left)", where, max, burst, total);
        }
    }

    synchronized long count() {
        return letters.size();
    }

    synchronized long dropped() {
        return dropped;
    }

    /** Up to {@code max} of them, oldest first, while their envelopes add up to at most {@code maxBytes}. */
    synchronized List<DeadLetter> list(int max, long maxBytes) {
        List<DeadLetter> out = new ArrayList<>();
        long bytes = 0;
        for (DeadLetter d : letters) {
            // as DeadLetterCodec writes it: UTF-8 takes at most 3 bytes a char
            bytes += d.envelope().length + 3L * (d.id().length() + d.jobId().length() + d.reason().length()) + 32;
            if (out.size() >= max || (bytes > maxBytes && !out.isEmpty())) {
                break;
            }
            out.add(d);
        }
        return out;
    }

    /** Removes those with these ids (all when empty), handing each to {@code then}; returns how many. */
    int remove(Set<String> which, Consumer<DeadLetter> then) {
        List<DeadLetter> removed = new ArrayList<>();
        synchronized (this) {
            for (Iterator<DeadLetter> it = letters.iterator(); it.hasNext(); ) {
                DeadLetter d = it.next();
                if (which.isEmpty() || which.contains(d.id())) {
                    it.remove();
                    removed.add(d);
                }
            }
        }
        // outside the lock: a letter sent back may be refused again, and come back here at once
        removed.forEach(then);
        return removed.size();
    }

    /** The client a dead letter's job came from, as its frame said. */
    static String clientOf(DeadLetter d) {
        int bar = d.id().indexOf('|');
        return bar < 0 ? "" : d.id().substring(bar + 1);
    }
}
