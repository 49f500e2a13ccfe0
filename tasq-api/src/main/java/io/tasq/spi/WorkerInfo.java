package io.tasq.spi;

import java.util.Objects;

/**
 * What a worker says about itself in its heartbeat: who and where it is, how it runs jobs, and what
 * it has done. A worker that stopped sending them drops off {@link QueueAdmin#workers()} within a
 * few heartbeat intervals.
 *
 * @param workerId the worker's id
 * @param host the host it runs on
 * @param pid its process id
 * @param backend its backend URL, password masked
 * @param workerType {@code actor} or {@code process}
 * @param concurrency how many jobs it runs at once
 * @param startedAtMillis when it started, epoch milliseconds
 * @param succeeded jobs that returned a value
 * @param failed jobs that threw
 * @param rejected envelopes it refused
 * @param running jobs running now
 * @param held jobs it holds until their time comes (delayed, retries)
 * @param heartbeatAtMillis when this heartbeat was sent
 * @param intervalMillis how often it sends them
 * @param runP50Millis the median run time over the last minutes, 0 when nothing ran
 * @param runP99Millis the 99th percentile run time over the last minutes, 0 when nothing ran
 */
public record WorkerInfo(String workerId, String host, long pid, String backend, String workerType, int concurrency,
        long startedAtMillis, long succeeded, long failed, long rejected, long running, long held,
        long heartbeatAtMillis, long intervalMillis, double runP50Millis, double runP99Millis) {

    /** Checks the required fields. */
    public WorkerInfo {
        Objects.requireNonNull(workerId, "workerId == null");
        Objects.requireNonNull(host, "host == null");
        Objects.requireNonNull(backend, "backend == null");
        Objects.requireNonNull(workerType, "workerType == null");
    }

    /** Whether it is still live at {@code nowMillis}: a heartbeat within three intervals. */
    public boolean liveAt(long nowMillis) {
        return nowMillis - heartbeatAtMillis <= 3 * Math.max(intervalMillis, 100);
    }
}
