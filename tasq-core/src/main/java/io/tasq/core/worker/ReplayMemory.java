package io.tasq.core.worker;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The jobs this worker took, by key, until each one's signed expiry: a second copy of one of them
 * (a client sending it again, or someone replaying a captured envelope) is dropped instead of run.
 * Bounded: past {@code capacity} keys the oldest are forgotten first, expired ones before the rest.
 * Thread-safe.
 */
final class ReplayMemory {

    private final int capacity;
    /** Key to expiry, in the order taken. */
    private final LinkedHashMap<String, Long> taken = new LinkedHashMap<>();

    ReplayMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Takes the job {@code key} until {@code expiresAtMillis}.
     *
     * @return {@code true} if it was not taken (or its earlier taking expired)
     */
    synchronized boolean claim(String key, long expiresAtMillis, long nowMillis) {
        Long until = taken.get(key);
        if (until != null && until > nowMillis) {
            return false;
        }
        taken.remove(key); // re-inserted last: the order stays the order taken
        taken.put(key, expiresAtMillis);
        if (taken.size() > capacity) {
            evict(nowMillis);
        }
        return true;
    }

    /** Forgets the job {@code key}: it is handed back to be delivered again, and its next delivery takes it. */
    synchronized void release(String key) {
        taken.remove(key);
    }

    synchronized int size() {
        return taken.size();
    }

    private void evict(long nowMillis) {
        int scanned = 0;
        // expired ones first, looking at a bounded number so that one claim stays cheap
        for (Iterator<Map.Entry<String, Long>> it = taken.entrySet().iterator(); it.hasNext() && scanned < 64;
                scanned++) {
            if (it.next().getValue() <= nowMillis) {
                it.remove();
            }
        }
        Iterator<String> oldest = taken.keySet().iterator();
        while (taken.size() > capacity && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
