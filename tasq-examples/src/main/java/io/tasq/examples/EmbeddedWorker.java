package io.tasq.examples;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqFuture;
import io.tasq.TasqQueue;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A worker embedded in an application, instead of started with {@code tq worker}: the application
 * builds it with {@link Worker#builder()}, gives it its own settings and meter registry, and stops it
 * gracefully when it shuts down. Here on Redis, where any number of such applications share the
 * queue.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.EmbeddedWorker</pre>
 */
public final class EmbeddedWorker {

    private EmbeddedWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        String url = LocalWorker.url("TASQ_EXAMPLE_REDIS_URL", "redis://localhost:6379/0?name=examples-embedded");
        SimpleMeterRegistry meters = new SimpleMeterRegistry(); // the application's own registry
        Worker worker = Worker.builder()
                .backend(url)
                .settings(Settings.of(Map.of("sign.key", LocalWorker.KEY), "the application's configuration"))
                .concurrency(4)
                .meterRegistry(meters)
                .build()
                .start();
        // an application stops its worker when it stops: running jobs get the grace period to finish
        Thread stopOnExit = new Thread(() -> worker.stop(Duration.ofSeconds(30)), "stop-tasq-worker");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try (TasqQueue queue = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).queue()) {
            List<TasqFuture<Integer>> squares = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                squares.add(queue.put(n -> n * n, i, JobOptions.named("square-" + i)));
            }
            List<Integer> values = new ArrayList<>();
            for (TasqFuture<Integer> f : squares) {
                values.add(f.unwrap(Duration.ofSeconds(30)));
            }
            System.out.println("squares -> " + values);
        } finally {
            worker.stop(Duration.ofSeconds(30));
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
        System.out.println("worker " + worker.id() + " ran " + worker.stats().succeeded() + " jobs; "
                + "failure: " + worker.failure().map(Throwable::toString).orElse("none"));
    }
}
