package io.tasq.core.worker;

import io.tasq.ConfigurationException;
import java.util.Locale;

/** Where a worker runs its jobs. */
public enum WorkerType {
    /** On a pool of actors, threads of the worker's JVM: for I/O-bound jobs. */
    ACTOR,
    /** In a pool of child JVMs: for CPU-bound jobs, and isolation from jobs that exit or exhaust memory. */
    PROCESS;

    /** {@code actor} or {@code process}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type named {@code actor} or {@code process}.
     *
     * @throws ConfigurationException for any other name
     */
    public static WorkerType parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "actor", "actors", "thread" -> ACTOR;
            case "process", "processes" -> PROCESS;
            default -> throw new ConfigurationException("unknown worker type '" + name + "'; use actor or process");
        };
    }
}
