package io.tasq.worker;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tq bench --memory}: the heap a client uses to hold jobs no worker takes (they wait in the
 * client), or the heap of a worker that is up and idle. Each figure is the used heap after a full
 * GC, in this JVM, so run one measurement per JVM (bench/run.sh does).
 */
final class BenchMemory {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private BenchMemory() {
    }

    /** Used heap after collecting until it stops shrinking (a few System.gc() calls). */
    static long usedAfterGc() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            Thread.sleep(100);
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (used >= last - 64 * 1024) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }

    /**
     * A client on {@code url} with no worker there: {@code jobs} trivial jobs submitted and held, as a
     * caller holding their futures would; then the used heap.
     */
    static Map<String, Object> client(String url, Map<String, String> clientSettings, long jobs, int payload)
            throws InterruptedException {
        long before = usedAfterGc();
        TasqClient c = Tasq.builder().url(url).settings(clientSettings).client();
        c.connect();
        byte[] arg = new byte[payload];
        List<TasqFuture<byte[]>> held = new ArrayList<>((int) Math.min(jobs, Integer.MAX_VALUE));
        try {
            for (long i = 0; i < jobs; i++) {
                held.add(c.schedule(TasqTarget.ECHO, arg));
            }
            Thread.sleep(500); // the backend's IO thread takes the last ones into its own queue
            long after = usedAfterGc();
            long pendingJobs = c.pendingJobs().size();
            Map<String, Object> m = result("client", before, after);
            m.put("jobs", held.size());
            m.put("pending", pendingJobs);
            m.put("bytesPerJob", held.isEmpty() ? 0 : (after - before) / held.size());
            return m;
        } finally {
            c.disconnect();
        }
    }

    /** A worker on {@code url}, started and left idle for {@code idle}; then the used heap. */
    static Map<String, Object> worker(String url, Settings settings, Duration idle) throws InterruptedException {
        long before = usedAfterGc();
        Worker w = Worker.builder().backend(url).settings(settings).build().start();
        try {
            Thread.sleep(idle.toMillis());
            long after = usedAfterGc();
            Map<String, Object> m = result("worker", before, after);
            m.put("idleSeconds", idle.toSeconds());
            return m;
        } finally {
            w.stop(Duration.ofSeconds(5));
        }
    }

    private static Map<String, Object> result(String what, long before, long after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("memory", what);
        m.put("heapUsedBytes", after);
        m.put("heapUsedMiB", BenchResult.round(after / 1048576.0, 1));
        m.put("heapBeforeMiB", BenchResult.round(before / 1048576.0, 1));
        m.put("heapMaxMiB", BenchResult.round(MEMORY.getHeapMemoryUsage().getMax() / 1048576.0, 1));
        return m;
    }
}
