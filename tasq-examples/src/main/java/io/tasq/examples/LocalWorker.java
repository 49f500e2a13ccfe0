package io.tasq.examples;

import io.tasq.core.worker.Worker;
import io.tasq.core.worker.WorkerType;
import io.tasq.spi.Settings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A worker started inside the example's own JVM, so that each example runs with one command. In a
 * deployment the worker runs elsewhere: {@code tq worker --backend URL}, with the same key.
 */
final class LocalWorker implements AutoCloseable {

    /** The key the example's client and worker share (a deployment sets TASQ_SIGN_KEY on both). */
    static final String KEY = "example-key-" + UUID.randomUUID();

    private final Worker worker;

    private LocalWorker(Worker worker) {
        this.worker = worker;
    }

    static LocalWorker start(String url) {
        return start(url, WorkerType.ACTOR, Map.of());
    }

    static LocalWorker start(String url, WorkerType type, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("sign.key", KEY);
        Worker w = Worker.builder().backend(url).type(type).concurrency(2)
                .settings(Settings.of(settings, "example")).build().start();
        return new LocalWorker(w);
    }

    /** A brokerless URL on a free pair of loopback ports. */
    static String zmqUrl() {
        for (int tries = 0; tries < 20; tries++) {
            try (ServerSocket a = new ServerSocket(0)) {
                int p = a.getLocalPort();
                try (ServerSocket b = new ServerSocket(p + 1)) {
                    return "zmq://127.0.0.1:" + (b.getLocalPort() - 1);
                }
            } catch (java.io.IOException busy) {
                // try another pair
            }
        }
        throw new IllegalStateException("no free pair of ports");
    }

    /** A URL from a system property or environment variable ({@code TASQ_EXAMPLE_REDIS_URL}), or the local server's. */
    static String url(String env, String fallback) {
        String v = System.getProperty(env, System.getenv(env));
        return v == null || v.isBlank() ? fallback : v;
    }

    @Override
    public void close() {
        worker.stop(Duration.ofSeconds(5));
    }
}
