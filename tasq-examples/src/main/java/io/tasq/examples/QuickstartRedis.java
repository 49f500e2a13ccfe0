package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqFuture;
import io.tasq.TasqQueue;

/**
 * The Redis quickstart: jobs wait on the server until a worker runs them. Needs a Redis server (redis-server), at TASQ_EXAMPLE_REDIS_URL or localhost:6379.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.QuickstartRedis</pre>
 */
public final class QuickstartRedis {

    private QuickstartRedis() {
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) {
        String url = LocalWorker.url("TASQ_EXAMPLE_REDIS_URL", "redis://localhost:6379/0?name=examples");
        // the client may start first: its jobs wait on the server until a worker takes them
        try (TasqQueue queue = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).queue()) {
            TasqFuture<Integer> fut = queue.put(n -> n * 2, 5, JobOptions.named("task-01"));
            try (LocalWorker worker = LocalWorker.start(url)) {
                System.out.println("task-01 -> " + fut.unwrap());
            }
        }
    }
}
