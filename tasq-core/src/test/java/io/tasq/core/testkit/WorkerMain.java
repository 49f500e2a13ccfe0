package io.tasq.core.testkit;

import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A worker in its own JVM, for tests that kill or restart it: {@code WorkerMain URL CONCURRENCY
 * [key=value ...]}. Prints {@code READY <workerId>} once it listens; stops gracefully on SIGTERM.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            extra.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Settings settings = TestKeys.worker().with(extra, "args");
        Worker worker = Worker.builder().backend(args[0]).settings(settings).concurrency(Integer.parseInt(args[1]))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> worker.stop(Duration.ofSeconds(10))));
        System.out.println("READY " + worker.id());
        System.out.flush();
        worker.awaitTermination();
    }
}
