package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import java.time.Duration;

/**
 * The lower-level client, as in the reference: connect, schedule, block, look at the results by name.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.ClientApi</pre>
 */
public final class ClientApi {

    private ClientApi() {
    }

    /** The reference's foo: a random number after a short pause. */
    static String foo(int num) throws InterruptedException {
        Thread.sleep(100);
        return "Foo - " + java.util.concurrent.ThreadLocalRandom.current().nextInt(num + 1);
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) {
        String url = LocalWorker.zmqUrl();
        try (LocalWorker worker = LocalWorker.start(url);
                TasqClient tc = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).client()) {
            tc.connect();
            TasqFuture<String> fut = tc.schedule(ClientApi::foo, 5, JobOptions.named("Task-1"));
            System.out.println("Task-1 scheduled: " + fut);
            System.out.println("Task-2 blocking: " + tc.scheduleBlocking(ClientApi::foo, 5, JobOptions.named("Task-2")));
            System.out.println("Task-1 result: " + fut.unwrap(Duration.ofSeconds(10)));
            System.out.println("results: " + tc.results());
            System.out.println("pending: " + tc.pendingJobs());
        }
    }
}
