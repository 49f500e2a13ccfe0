package io.tasq.examples;

import io.tasq.JobFailedException;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The end-to-end demo of the README: starts a brokerless worker, submits jobs (a capturing lambda,
 * a method reference, a delayed job, a job that throws), prints their results, and exits 0.
 */
public final class Demo {

    private Demo() {
    }

    /** Doubles a number, slowly enough to show jobs running side by side. */
    static int slowDouble(int n) throws InterruptedException {
        Thread.sleep(200);
        return n * 2;
    }

    public static void main(String[] args) throws Exception {
        int port = freePort();
        String url = "zmq://127.0.0.1:" + port;
        String key = UUID.randomUUID().toString(); // the key client and worker share
        Worker worker = Worker.builder().backend(url)
                .settings(Settings.of(Map.of("sign.key", key, "worker.allow-classes", "io.tasq.examples.**"), "demo"))
                .concurrency(4)
                .build()
                .start();
        try (TasqClient client = Tasq.builder().url(url).setting("sign.key", key).client()) {
            client.connect();
            String greeting = "Hello from " + ProcessHandle.current().pid();
            TasqFuture<String> hello = client.schedule(name -> greeting + ", " + name + "!", "Tasq",
                    JobOptions.named("hello"));
            List<TasqFuture<Integer>> doubles = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                doubles.add(client.schedule(Demo::slowDouble, i, JobOptions.named("double-" + i)));
            }
            TasqFuture<String> later = client.schedule(() -> "ran after its delay",
                    JobOptions.named("delayed").delay(Duration.ofSeconds(1)));
            TasqFuture<Integer> broken = client.schedule(n -> 100 / n, 0, JobOptions.named("divide-by-zero"));

            System.out.println("hello          -> " + hello.unwrap(Duration.ofSeconds(30)));
            for (TasqFuture<Integer> f : doubles) {
                System.out.println(f.name() + "       -> " + f.unwrap(Duration.ofSeconds(30)) + " (ran "
                        + f.execTime().orElseThrow().toMillis() + " ms)");
            }
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
            worker.stop(Duration.ofSeconds(5));
        }
        System.out.println("demo finished: all jobs accounted for");
    }

    private static int freePort() throws Exception {
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
