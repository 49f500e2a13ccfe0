package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import java.time.ZonedDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A cron job (6 fields, seconds first, with a time zone) and cancelling it by name, as any client
 * could, also after a restart.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.CronJobs</pre>
 */
public final class CronJobs {

    private CronJobs() {
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) throws InterruptedException {
        String url = LocalWorker.zmqUrl();
        try (LocalWorker worker = LocalWorker.start(url);
                TasqClient tc = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).client()) {
            tc.connect();
            CountDownLatch two = new CountDownLatch(2);
            tc.schedule(() -> ZonedDateTime.now().toString(),
                    JobOptions.named("every-2-seconds-in-rome").every("*/2 * * * * * Europe/Rome"))
                    .recurring().orElseThrow()
                    .onRun(run -> {
                        System.out.println("cron run " + run.run() + ": " + run.value());
                        two.countDown();
                    });
            if (!two.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("two runs did not come in 30 s");
            }
            System.out.println("cancelled by name: " + tc.cancelRecurring("every-2-seconds-in-rome").unwrap());
        }
    }
}
