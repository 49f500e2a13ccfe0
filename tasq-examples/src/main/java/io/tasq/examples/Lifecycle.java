package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.JobTimeoutException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Retries with backoff, a time limit, and cancelling a running job.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.Lifecycle</pre>
 */
public final class Lifecycle {

    private Lifecycle() {
    }

    /** Fails twice, then succeeds: a flaky service. (The worker runs in this JVM, so it can count.) */
    static final AtomicInteger CALLS = new AtomicInteger();

    static String flaky(String what) {
        if (CALLS.incrementAndGet() < 3) {
            throw new IllegalStateException("service unavailable (call " + CALLS.get() + ")");
        }
        return what + " done on call " + CALLS.get();
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) {
        String url = LocalWorker.zmqUrl();
        try (LocalWorker worker = LocalWorker.start(url);
                TasqClient tc = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).client()) {
            tc.connect();
            TasqFuture<String> retried = tc.schedule(Lifecycle::flaky, "upload",
                    JobOptions.named("upload").retries(5).backoff(Duration.ofMillis(200), Duration.ofSeconds(2)));
            System.out.println(retried.unwrap() + " (attempt " + retried.result().orElseThrow().attempt()
                    + ", last failure: " + retried.lastFailure().map(Throwable::getMessage).orElse("none") + ")");
            try {
                tc.schedule(() -> {
                    Thread.sleep(10_000);
                    return "too late";
                }, JobOptions.named("slow").timeout(Duration.ofMillis(500))).unwrap();
            } catch (JobTimeoutException e) {
                System.out.println("slow: " + e.getMessage());
            }
            TasqFuture<String> endless = tc.schedule(() -> {
                Thread.sleep(60_000);
                return "never";
            }, JobOptions.named("endless"));
            tc.cancel(endless.jobId());
            try {
                endless.unwrap();
            } catch (CancellationException e) {
                System.out.println("endless: cancelled = " + endless.isCancelled());
            }
        }
    }
}
