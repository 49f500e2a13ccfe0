package io.tasq.worker;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real {@code bin/tq} process from the packaged distribution, with its output collected. */
public final class TqProcess implements AutoCloseable {

    static final Path TQ = Path.of("target", "tq", "bin", "tq").toAbsolutePath();

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private TqProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "tq-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code tq args...} with these environment variables and the test classes on its class path. */
    public static TqProcess startWithTestClasses(Map<String, String> env, String... args) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("TASQ_CLASSPATH", Path.of("target", "test-classes").toAbsolutePath().toString());
        return start(all, args);
    }

    /** Starts {@code tq args...} with these environment variables, with only the distribution on its class path. */
    public static TqProcess start(Map<String, String> env, String... args) throws IOException {
        if (!Files.isExecutable(TQ)) {
            throw new IllegalStateException(TQ + " is missing: run the tests with ./mvnw verify, which packages it first");
        }
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add(TQ.toString());
        pb.command().addAll(List.of(args));
        pb.redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TASQ_"));
        pb.environment().put("TASQ_JAVA_OPTS", "-Xmx256m");
        pb.environment().putAll(env);
        return new TqProcess(pb.start());
    }

    /** Starts another command (the image's entry point, say), reading its output as tq's is read. */
    public static TqProcess command(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TASQ_"));
        pb.environment().putAll(env);
        return new TqProcess(pb.start());
    }

    /** Waits until a line containing {@code text} was printed, and returns it. */
    public String awaitLine(String text, Duration timeout) {
        await().atMost(timeout).until(() -> lines.stream().anyMatch(l -> l.contains(text)) || !process.isAlive());
        return lines.stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("tq never printed '" + text + "'; it printed:\n" + output()));
    }

    public String output() {
        return String.join("\n", lines);
    }

    /** Sends SIGTERM and waits for the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tq did not stop within " + timeout + " after SIGTERM; output:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("tq did not end within " + timeout + "; output:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** Sends a signal by name (INT, TERM, KILL) with kill(1). */
    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        // kept in the test's report (target/failsafe-reports/*-output.txt) for when something failed
        System.out.println("---- tq " + process.pid() + " printed:\n" + output());
    }
}
