package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqFuture;
import io.tasq.TasqQueue;

/**
 * The RabbitMq quickstart: jobs wait on the server until a worker runs them. Needs a RabbitMQ broker, at TASQ_EXAMPLE_AMQP_URL or localhost:5672 (guest/guest).
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.QuickstartRabbitMq</pre>
 */
public final class QuickstartRabbitMq {

    private QuickstartRabbitMq() {
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) {
        String url = LocalWorker.url("TASQ_EXAMPLE_AMQP_URL", "amqp://guest:guest@localhost:5672/%2f?name=examples");
        // the client may start first: its jobs wait on the server until a worker takes them
        try (TasqQueue queue = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).queue()) {
            TasqFuture<Integer> fut = queue.put(n -> n * 2, 5, JobOptions.named("task-01"));
            try (LocalWorker worker = LocalWorker.start(url)) {
                System.out.println("task-01 -> " + fut.unwrap());
            }
        }
    }
}
