package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.RecurringJob;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A job repeating every second: every run's result, the next run, then cancelling it.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.IntervalJobs</pre>
 */
public final class IntervalJobs {

    private IntervalJobs() {
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) throws InterruptedException {
        String url = LocalWorker.zmqUrl();
        try (LocalWorker worker = LocalWorker.start(url);
                TasqClient tc = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).client()) {
            tc.connect();
            RecurringJob<Instant> tick = tc.schedule(() -> Instant.now(), JobOptions.named("every-second").every("1s"))
                    .recurring().orElseThrow();
            CountDownLatch three = new CountDownLatch(3);
            tick.onRun(run -> {
                System.out.println("run " + run.run() + " at " + run.value() + ", next at " + tick.nextRun().orElseThrow());
                three.countDown();
            });
            if (!three.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("three runs did not come in 30 s");
            }
            System.out.println("cancelled: " + tick.cancel().unwrap() + " after " + tick.runs() + " runs");
        }
    }
}
