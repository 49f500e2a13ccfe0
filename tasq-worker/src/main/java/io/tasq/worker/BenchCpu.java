package io.tasq.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where this JVM's CPU went during a measurement, per job: the whole process (with the JVM's own
 * threads: GC, JIT) and each group of Java threads by role (the client's IO loop, the worker's
 * actors...), read from {@link ThreadMXBean} and the process's CPU time at the start and end. It
 * covers the workers only when they run in this JVM (the default).
 */
final class BenchCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    /** CPU micro-seconds per job: the process, and each role's share (largest first). */
    record Usage(double processMicros, Map<String, Double> byRole) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("processMicrosPerJob", BenchResult.round(processMicros, 2));
            Map<String, Object> roles = new LinkedHashMap<>();
            byRole.forEach((k, v) -> roles.put(k, BenchResult.round(v, 2)));
            m.put("threadsMicrosPerJob", roles);
            return m;
        }
    }

    private final long processNanos;
    private final Map<Long, Long> threadNanos;

    private BenchCpu(long processNanos, Map<Long, Long> threadNanos) {
        this.processNanos = processNanos;
        this.threadNanos = threadNanos;
    }

    /** CPU times now. */
    static BenchCpu snapshot() {
        Map<Long, Long> t = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long n = THREADS.getThreadCpuTime(id);
            if (n >= 0) {
                t.put(id, n);
            }
        }
        return new BenchCpu(processCpuNanos(), t);
    }

    /** What was spent since {@code start}, divided over {@code jobs}; null if it cannot be read here. */
    static Usage since(BenchCpu start, long jobs) {
        if (jobs <= 0 || start.processNanos < 0 || !THREADS.isThreadCpuTimeSupported()) {
            return null;
        }
        BenchCpu end = snapshot();
        Map<String, Double> roles = new HashMap<>();
        double threads = 0;
        for (Map.Entry<Long, Long> e : end.threadNanos.entrySet()) {
            long spent = e.getValue() - start.threadNanos.getOrDefault(e.getKey(), 0L);
            ThreadInfo info = THREADS.getThreadInfo(e.getKey());
            if (spent <= 0 || info == null) {
                continue;
            }
            double micros = spent / 1000.0 / jobs;
            roles.merge(role(info.getThreadName()), micros, Double::sum);
            threads += micros;
        }
        double process = (end.processNanos - start.processNanos) / 1000.0 / jobs;
        // threads that ended meanwhile are in the process's time only, with the GC and the JIT
        roles.put("other: GC, JIT, JVM and ended threads", Math.max(0, process - threads));
        Map<String, Double> sorted = new LinkedHashMap<>();
        roles.entrySet().stream().filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new Usage(process, sorted);
    }

    /** A thread's role, from the names Tasq, the bench and the client libraries give their threads. */
    static String role(String name) {
        if (name.startsWith("tasq-bench-sender")) {
            return "bench senders (Tasq: submit = serialize, ship, sign, hand to the transport)";
        }
        if (name.startsWith("tasq-bench-")) {
            return "raw echo: " + DIGITS.matcher(name.substring("tasq-bench-".length())).replaceAll("N");
        }
        if (name.startsWith("tasq-zmq-client-")) {
            return "client: ZMQ IO loop";
        }
        if (name.startsWith("tasq-zmq-worker-")) {
            return "worker: ZMQ IO loop";
        }
        if (name.startsWith("tasq-client-")) {
            return "client: result thread (verify, deserialize, complete)";
        }
        if (name.startsWith("iothread-")) {
            return "JeroMQ I/O threads (client and worker)";
        }
        if (name.startsWith("w-") && name.contains("-actor-")) {
            return "worker: actors (verify, deserialize, run, serialize, sign)";
        }
        if (name.startsWith("w-") && name.endsWith("-responder")) {
            return "worker: responder";
        }
        if (name.startsWith("tasq-redis-")) {
            String what = name.substring("tasq-redis-".length());
            int dash = what.indexOf('-');
            return "Redis: " + (dash < 0 ? what : what.substring(0, dash)) + " threads";
        }
        if (name.startsWith("tasq-amqp-worker-")) {
            return "worker: RabbitMQ IO thread";
        }
        if (name.startsWith("tasq-amqp-client-")) {
            return "client: RabbitMQ IO thread";
        }
        if (name.startsWith("tasq-amqp-")) {
            return "amqp-client consumer dispatch threads";
        }
        if (name.startsWith("AMQP Connection")) {
            return "amqp-client connection threads";
        }
        return DIGITS.matcher(name).replaceAll("N");
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
