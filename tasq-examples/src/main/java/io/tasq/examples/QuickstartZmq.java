package io.tasq.examples;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqFuture;
import io.tasq.TasqQueue;

/**
 * The brokerless quickstart: a queue on a ZeroMQ worker, no server.
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.QuickstartZmq</pre>
 */
public final class QuickstartZmq {

    private QuickstartZmq() {
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) {
        String url = LocalWorker.zmqUrl();
        try (LocalWorker worker = LocalWorker.start(url);
                TasqQueue queue = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).queue()) {
            TasqFuture<Integer> fut = queue.put(n -> n * 2, 5, JobOptions.named("task-01"));
            System.out.println("task-01 -> " + fut.unwrap());
        }
    }
}
