package io.tasq.backend.zmq;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.Credentials;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobProducer;
import io.tasq.spi.Providers;
import io.tasq.spi.ResultListener;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * What the transport's tests set up over and over: workers (the {@link EchoWorker} without the core,
 * or a real one), peers of a worker holding chosen keys, raw sockets and clients. Whatever it opens
 * is closed after each test, the last opened first. Register it with
 * {@code @RegisterExtension final ZmqFixture zmq = new ZmqFixture();}. Not thread-safe: the test's
 * thread drives it.
 */
final class ZmqFixture implements AfterEachCallback {

    /** How long a test waits for what must happen. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> opened = new ArrayList<>();

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    /** Closes {@code c} after the test. */
    <T extends AutoCloseable> T open(T c) {
        opened.add(c);
        return c;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An echo worker with these settings, trusting the test key, started. */
    EchoWorker echoWorker(Map<String, String> settings) {
        return open(new EchoWorker(settings).start());
    }

    /** An echo worker with these settings and credentials, started. */
    EchoWorker echoWorker(Map<String, String> settings, Credentials credentials) {
        return open(new EchoWorker(settings, credentials).start());
    }

    /** A client's or operator's backend for this worker, proving {@code credentials}. */
    Backend peer(EchoWorker worker, Credentials credentials) {
        return open(worker.peer(credentials));
    }

    /** An operator's view of this worker's dead letters, proving {@code credentials}. */
    DeadLetters deadLetters(EchoWorker worker, Credentials credentials) {
        return peer(worker, credentials).feature(DeadLetters.class).orElseThrow();
    }

    /** A client of this worker named {@code clientId}, proving {@code credentials}. */
    JobProducer producer(EchoWorker worker, Credentials credentials, String clientId, ResultListener listener) {
        return open(peer(worker, credentials).openProducer(clientId, listener));
    }

    /** A DEALER on a worker's results port, with the routing id it chooses. */
    RawPeer rawPeer(int resultsPort, byte[] routingId) {
        return open(new RawPeer(resultsPort, routingId));
    }

    /** A plain PUSH socket to a worker's jobs port, for sending frames by hand. */
    ZMQ.Socket push(int jobsPort) {
        ZContext ctx = open(new ZContext(1));
        return RawPeer.push(ctx, jobsPort);
    }

    /** A real worker (the core's) on {@code url}, started; stopped after the test. */
    Worker worker(String url, Settings settings, int concurrency) {
        Worker w = Worker.builder().backend(url).settings(settings).concurrency(concurrency).build().start();
        open(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    /** A real client of {@code url}, connected. */
    TasqClient client(String url, Map<String, String> settings) {
        TasqClient c = open(Tasq.builder().url(url).settings(settings).client());
        c.connect();
        return c;
    }

    /** An operator's backend for {@code url}, proving {@code credentials}. */
    Backend operator(String url, Settings settings, Credentials credentials) {
        Backend b = open(Providers.backend(url, settings));
        b.useCredentials(credentials);
        return b;
    }
}
