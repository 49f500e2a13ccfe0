package io.tasq.backend.redis;

import java.nio.charset.StandardCharsets;

/**
 * The names of the keys one queue uses. Every key carries the queue name as a hash tag
 * ({@code tasq:{NAME}:...}), so that on a Redis Cluster all of a queue's keys live in one slot and
 * its multi-key scripts stay legal. Immutable.
 */
final class Keys {

    /** The consumer group every worker of a queue reads through. */
    static final String GROUP = "workers";

    private final String prefix;
    private final byte[] jobs;
    private final byte[] delayed;
    private final byte[] dead;
    private final byte[] schedules;
    private final byte[] scheduleTimes;
    private final byte[] workers;
    private final byte[] ring;
    private final byte[] deadDropped;

    Keys(String queue) {
        this.prefix = "tasq:{" + queue + "}:";
        this.jobs = bytes(prefix + "jobs");
        this.delayed = bytes(prefix + "delayed");
        this.dead = bytes(prefix + "dead");
        this.schedules = bytes(prefix + "schedules");
        this.scheduleTimes = bytes(prefix + "schedule-times");
        this.workers = bytes(prefix + "workers");
        this.ring = bytes(prefix + "ring");
        this.deadDropped = bytes(prefix + "dead-dropped");
    }

    /** The stream of jobs ready to run, read by the group {@link #GROUP}. */
    byte[] jobs() {
        return jobs;
    }

    /** The sorted set of jobs that must wait, scored by their not-before time in epoch milliseconds. */
    byte[] delayed() {
        return delayed;
    }

    /** The stream of dead letters: jobs refused for good, with the reason. */
    byte[] dead() {
        return dead;
    }

    /**
     * How many dead letters the cap ({@code redis.dead-letter-max}) dropped, oldest first: a counter
     * every script that adds a dead letter raises by what its {@code XADD MAXLEN ~} trimmed.
     */
    byte[] deadDropped() {
        return deadDropped;
    }

    /**
     * The queue's doorbell: a stream of at most one entry, added to whenever jobs enter the jobs stream,
     * on which idle workers wait ({@code XREAD BLOCK}) instead of blocking on the jobs stream itself,
     * whose entries they read only through a script that checks their size first ({@code read.lua}).
     */
    byte[] ring() {
        return ring;
    }

    /**
     * The replay claim of the verified job {@code jobKey}: the id of the delivery (stream entry) that
     * took it, expiring with the job ({@link RedisReplayGuard}).
     */
    byte[] taken(String jobKey) {
        return bytes(takenPrefix() + jobKey);
    }

    /** What every replay claim's key starts with. */
    String takenPrefix() {
        return prefix + "taken:";
    }

    /** The hash of repeating jobs by name (see {@link RedisScheduleStore} for the values). */
    byte[] schedules() {
        return schedules;
    }

    /** The sorted set of the repeating jobs' names, scored by their next run time in epoch milliseconds. */
    byte[] scheduleTimes() {
        return scheduleTimes;
    }

    /**
     * The sorted set of the ids of the workers that sent a heartbeat, scored by when each counts as
     * gone (server time, epoch milliseconds); see {@link Heartbeats}.
     */
    byte[] workers() {
        return workers;
    }

    /** The hash of the latest heartbeat of the worker {@code workerId}, expiring with it. */
    byte[] worker(String workerId) {
        return bytes(prefix + "worker:" + workerId);
    }

    /** The lock of the unique-job key {@code key}: the id of the job holding it, expiring with it. */
    byte[] unique(String key) {
        return bytes(prefix + "unique:" + key);
    }

    /** The list of the jobs following the holder of the unique-job key {@code key}, expiring with it. */
    byte[] uniqueFollowers(String key) {
        return bytes(prefix + "unique-followers:" + key);
    }

    /** The stream of results waiting for the client {@code clientId} (field {@code body}). */
    byte[] results(String clientId) {
        return bytes(prefix + "results:" + clientId);
    }

    /** A key name as text, for messages. */
    static String name(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
