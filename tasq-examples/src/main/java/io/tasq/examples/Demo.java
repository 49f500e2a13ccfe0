package io.tasq.examples;

import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end demo of the README. It starts a brokerless worker from the tq distribution alone —
 * its class path holds none of this demo's classes — and submits jobs to it: a capturing lambda, a
 * method reference running on four actors at once, a job using an application record, a delayed
 * job and a job that throws. The client ships the code they need, signed. It prints what came back,
 * stops the worker with SIGTERM, and exits 0.
 */
public final class Demo {

    private Demo() {
    }

    /** An application type the worker does not have. */
    public record Order(String item, int quantity, double price) implements java.io.Serializable {
        double total() {
            return quantity * price;
        }
    }

    /** Doubles a number, slowly enough to show jobs running side by side. */
    static int slowDouble(int n) throws InterruptedException {
        Thread.sleep(200);
        return n * 2;
    }

    public static void main(String[] args) throws Exception {
        Path tq = Path.of(System.getProperty("tasq.tq", "tasq-worker/target/tq/bin/tq"));
        if (!Files.isExecutable(tq)) {
            System.err.println("demo: " + tq + " is missing; build it first: ./mvnw -B -q -DskipTests package");
            System.exit(2);
        }
        int port = freePortPair();
        String url = "zmq://127.0.0.1:" + port;
        String key = UUID.randomUUID().toString(); // the key client and worker share
        Process worker = startWorker(tq, url, key);
        int exit;
        try (TasqClient client = Tasq.builder().url(url).setting("sign.key", key).client()) {
            client.connect();
            String greeting = "Hello from client " + ProcessHandle.current().pid();
            TasqFuture<String> hello = client.schedule(name -> greeting + " to " + name + ", run by worker "
                    + ProcessHandle.current().pid(), "Tasq", JobOptions.named("hello"));
            List<TasqFuture<Integer>> doubles = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                doubles.add(client.schedule(Demo::slowDouble, i, JobOptions.named("double-" + i)));
            }
            TasqFuture<Double> order = client.schedule(Order::total, new Order("tea", 3, 2.5),
                    JobOptions.named("order-total"));
            TasqFuture<String> later = client.schedule(() -> "ran after its delay",
                    JobOptions.named("delayed").delay(Duration.ofSeconds(1)));
            TasqFuture<Integer> broken = client.schedule(n -> 100 / n, 0, JobOptions.named("divide-by-zero"));

            System.out.println("hello          -> " + hello.unwrap(Duration.ofSeconds(30)));
            for (TasqFuture<Integer> f : doubles) {
                System.out.println(f.name() + "       -> " + f.unwrap(Duration.ofSeconds(30)) + " (ran "
                        + f.execTime().orElseThrow().toMillis() + " ms)");
            }
            System.out.println("order-total    -> " + order.unwrap(Duration.ofSeconds(30)));
            System.out.println("delayed        -> " + later.unwrap(Duration.ofSeconds(30)));
            try {
                broken.unwrap(Duration.ofSeconds(30));
                throw new AssertionError("dividing by zero should have failed");
            } catch (JobFailedException e) {
                System.out.println("divide-by-zero -> failed remotely: " + e.remoteType() + ": " + e.remoteMessage());
                System.out.println("                  " + e.remoteStackTrace().lines().skip(1).findFirst().orElse("").strip());
            }
            System.out.println("results()      -> " + client.results().keySet());
        } finally {
            worker.toHandle().destroy(); // SIGTERM: the worker stops gracefully
            exit = worker.waitFor(30, TimeUnit.SECONDS) ? worker.exitValue() : -1;
        }
        System.out.println("worker stopped with exit code " + exit + "; demo finished: all jobs accounted for");
        System.exit(exit == 0 ? 0 : 1);
    }

    private static Process startWorker(Path tq, String url, String key) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(tq.toString(), "worker", "--backend", url, "--workers", "4")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TASQ_"));
        pb.environment().put("TASQ_SIGN_KEY", key);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.contains("Listening for jobs on")) {
            throw new IllegalStateException("the worker did not start: " + line);
        }
        System.out.println("worker " + p.pid() + " started from " + tq + " (no demo classes on its class path):");
        System.out.println("  " + line);
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "worker-output");
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private static int freePortPair() throws Exception {
        for (int tries = 0; tries < 20; tries++) {
            try (ServerSocket a = new ServerSocket(0)) {
                int p = a.getLocalPort();
                try (ServerSocket b = new ServerSocket(p + 1)) {
                    return b.getLocalPort() - 1;
                } catch (java.io.IOException busy) {
                    // the results port is taken: try another pair
                }
            }
        }
        throw new IllegalStateException("no free pair of ports");
    }
}
