package io.tasq.core.client;

import io.tasq.RecurringJob;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A client's handles of repeating jobs: the ones it submitted (by job id) and the ones it watches
 * by name ({@code watchRecurring}, for runs of a job submitted before a restart). Finds the handle a
 * run's result goes to, and marks and drops the handles of a job that is cancelled.
 *
 * <p>Thread-safe.
 */
final class RecurringHandles {

    private final Map<String, RecurringHandle<?>> submitted = new ConcurrentHashMap<>();
    private final Map<String, RecurringHandle<?>> watched = new ConcurrentHashMap<>();

    /** Keeps the handle of a repeating job this client submitted. */
    void add(RecurringHandle<?> handle) {
        submitted.put(handle.jobId(), handle);
    }

    /** The handle of the repeating job this client submitted with this id, or null. */
    RecurringHandle<?> submitted(String jobId) {
        return submitted.get(jobId);
    }

    /**
     * The handle a result goes to: the submitted job's, else for a run of a repeating job
     * ({@code run > 0}) the one watching its name; null if none.
     */
    RecurringHandle<?> forResult(String jobId, String name, long run) {
        RecurringHandle<?> handle = submitted.get(jobId);
        if (handle == null && run > 0) {
            handle = watched.get(name);
        }
        return handle;
    }

    /** The handle watching {@code name}, made by {@code make} the first time. */
    @SuppressWarnings("unchecked")
    <R> RecurringHandle<R> watch(String name, Function<String, RecurringHandle<R>> make) {
        return (RecurringHandle<R>) watched.computeIfAbsent(name, make::apply);
    }

    /** The job {@code name} was cancelled on the queue: its handles are marked and dropped. */
    void cancelled(String name) {
        submitted.values().removeIf(h -> {
            if (h.name().equals(name)) {
                h.markCancelled();
                return true;
            }
            return false;
        });
        RecurringHandle<?> w = watched.remove(name);
        if (w != null) {
            w.markCancelled();
        }
    }

    /** The submitted jobs not cancelled, by name. A snapshot. */
    Map<String, RecurringJob<?>> active() {
        Map<String, RecurringJob<?>> m = new LinkedHashMap<>();
        submitted.values().stream().filter(h -> !h.isCancelled()).forEach(h -> m.put(h.name(), h));
        return Collections.unmodifiableMap(m);
    }

    /** The client closes: every handle's publisher completes its subscribers. */
    void closeAll() {
        submitted.values().forEach(RecurringHandle::close);
        watched.values().forEach(RecurringHandle::close);
    }
}
