package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import java.time.Duration;
import java.time.Instant;

/**
 * A job that runs after a delay, while others run at once.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.DelayedJobs</pre>
 */
public final class DelayedJobs {

    private DelayedJobs() {
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) {
        String url = LocalWorker.zmqUrl();
        try (LocalWorker worker = LocalWorker.start(url);
                TasqClient tc = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).client()) {
            tc.connect();
            Instant submitted = Instant.now();
            TasqFuture<Instant> later = tc.schedule(() -> Instant.now(), JobOptions.named("Delayed-Task").delay(Duration.ofSeconds(2)));
            TasqFuture<Instant> now = tc.schedule(() -> Instant.now(), JobOptions.named("Right-Away"));
            System.out.println("Right-Away ran after " + Duration.between(submitted, now.unwrap()).toMillis() + " ms");
            System.out.println("Delayed-Task is done? " + later.isDone() + " (results: " + tc.results() + ")");
            System.out.println("Delayed-Task ran after " + Duration.between(submitted, later.unwrap()).toMillis() + " ms");
        }
    }
}
