package io.tasq.backend.zmq;

import io.tasq.core.security.KeyCredentials;
import io.tasq.core.security.Signing;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Credentials;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.Providers;
import io.tasq.spi.ResultMessage;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A ZMQ worker without the core, for tests of the transport alone: a job's body is
 * {@code clientId:jobId:text}, and the worker answers it with a result for that client whose body
 * is the job's body, as the core would once it verified the envelope. A body {@code refuse...} is
 * refused as unverified instead. Not thread-safe to set up; its lists are.
 */
final class EchoWorker implements AutoCloseable {

    final int port = Ports.freePair();
    final String url = "zmq://127.0.0.1:" + port;
    final Backend backend;
    final JobConsumer consumer;
    final CopyOnWriteArrayList<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<Throwable> transportFailures = new CopyOnWriteArrayList<>();

    EchoWorker(Map<String, String> settings) {
        this(settings, trusted());
    }

    EchoWorker(Map<String, String> settings, Credentials credentials) {
        backend = Providers.backend(url, Settings.of(settings, "test"));
        backend.useCredentials(credentials);
        consumer = backend.openConsumer(new ConsumerOptions("echo", 16));
    }

    EchoWorker start() {
        return start(new JobListener() {
            @Override
            public void onJob(Delivery d) {
                deliveries.add(d);
                String body = new String(d.body(), StandardCharsets.UTF_8);
                if (body.startsWith("refuse")) {
                    d.refuse("refused by the echo worker");
                    return;
                }
                String[] parts = body.split(":", 3);
                d.complete(new ResultMessage(parts[0], parts.length > 1 ? parts[1] : "", d.body()));
            }

            @Override
            public void onTransportFailure(Throwable cause) {
                transportFailures.add(cause);
            }
        });
    }

    EchoWorker start(JobListener listener) {
        consumer.start(listener);
        return this;
    }

    /** What a client or operator holding the test key proves. */
    static Credentials trusted() {
        return KeyCredentials.from(TestKeys.worker());
    }

    /** What a peer signing with a key the worker does not trust proves: nothing. */
    static Credentials untrusted() {
        return KeyCredentials.from(Settings.of(Map.of("sign.key", "not-the-test-key-0123456789"), "test"));
    }

    /** A worker's credentials with {@code --insecure}: no key, unsigned peers accepted. */
    static Credentials insecure() {
        return new KeyCredentials(null, Signing.check(Settings.empty(), true));
    }

    /** A backend for a client or operator of this worker, with these credentials. */
    Backend peer(Credentials credentials) {
        Backend b = Providers.backend(url, Settings.empty());
        b.useCredentials(credentials);
        return b;
    }

    static byte[] job(String client, String jobId, String text) {
        return (client + ":" + jobId + ":" + text).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
        backend.close();
    }
}
