package io.tasq.core.testkit;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WorkerMain} in a child JVM with the test's class path, for tests that kill a worker
 * (SIGKILL) or stop it (SIGTERM) mid-job.
 */
public final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile String workerId;

    private WorkerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith("READY ")) {
                        workerId = line.substring(6).strip();
                    }
                }
            } catch (IOException e) {
                // ended
            }
        }, "worker-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a worker on {@code url} with {@code concurrency} actors and extra {@code key=value}
     * settings, and waits until it listens.
     */
    public static WorkerProcess start(String url, int concurrency, String... settings) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path")); // surefire's manifest jar carries the whole class path
        cmd.add(WorkerMain.class.getName());
        cmd.add(url);
        cmd.add(Integer.toString(concurrency));
        cmd.addAll(List.of(settings));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TASQ_") && !k.startsWith("TASQ_TEST_"));
        WorkerProcess w = new WorkerProcess(pb.start());
        await().atMost(Duration.ofSeconds(60)).until(() -> w.workerId != null || !w.process.isAlive());
        if (w.workerId == null) {
            throw new IllegalStateException("the worker process did not start:\n" + w.output());
        }
        return w;
    }

    /** The worker's id. */
    public String workerId() {
        return workerId;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What it printed so far. */
    public String output() {
        return String.join("\n", lines);
    }

    /** SIGKILL: no shutdown hook, no goodbye; waits until it is gone. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: a graceful stop; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.toHandle().destroyForcibly();
            throw new AssertionError("the worker did not stop within " + timeout + ":\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.toHandle().destroyForcibly();
    }
}
