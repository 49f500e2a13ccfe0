package io.tasq.core.worker;

import io.tasq.spi.UniqueLocks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Unique-job locks in this worker's memory, for backends that keep none (the brokerless one):
 * unique per worker. Thread-safe.
 */
final class MemoryUniqueLocks implements UniqueLocks {

    private record Lock(String holder, long expiresAt, List<Follower> followers) {
    }

    private final Clock clock;
    private final Map<String, Lock> locks = new HashMap<>();

    MemoryUniqueLocks(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<String> acquire(String key, String jobId, long ttlMillis) {
        long now = clock.millis();
        Lock lock = locks.get(key);
        if (lock == null || lock.expiresAt() <= now || lock.holder().equals(jobId)) {
            locks.put(key, new Lock(jobId, now + ttlMillis, lock != null && lock.holder().equals(jobId)
                    ? lock.followers() : new ArrayList<>()));
            return Optional.empty();
        }
        return Optional.of(lock.holder());
    }

    @Override
    public synchronized boolean follow(String key, String holderJobId, Follower follower) {
        Lock lock = locks.get(key);
        if (lock == null || !lock.holder().equals(holderJobId) || lock.expiresAt() <= clock.millis()) {
            return false;
        }
        lock.followers().add(follower);
        return true;
    }

    @Override
    public synchronized List<Follower> release(String key, String jobId) {
        Lock lock = locks.get(key);
        if (lock == null || !lock.holder().equals(jobId)) {
            return List.of();
        }
        locks.remove(key);
        return lock.followers();
    }
}
