package io.tasq.spi;

import java.util.List;
import java.util.Optional;

/**
 * Locks that make a job unique by key ({@code JobOptions.unique(key, ttl)}): while a job holds the
 * key, others submitted with it do not run; they follow it and get its result. Implementations make
 * each method atomic across every worker sharing the backend, and are thread-safe.
 */
public interface UniqueLocks {

    /** A job waiting for the result of the job holding its key. */
    record Follower(String jobId, String name, String replyTo) {
    }

    /**
     * Takes the key for {@code jobId} (for at most {@code ttlMillis}, in case it is never released).
     *
     * @return empty if taken (or already held by this same job); the id of the job that holds it
     *     otherwise
     */
    Optional<String> acquire(String key, String jobId, long ttlMillis);

    /**
     * Makes {@code follower} wait for the result of {@code holderJobId}.
     *
     * @return {@code false} if that job no longer holds the key (the caller tries to acquire again)
     */
    boolean follow(String key, String holderJobId, Follower follower);

    /** Releases the key held by {@code jobId} and returns the jobs that followed it, to be answered. */
    List<Follower> release(String key, String jobId);
}
