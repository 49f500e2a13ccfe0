package io.tasq.backend.zmq;

import static io.tasq.backend.zmq.ZmqFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.backend.zmq.ZmqSettings.Routing;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Credentials;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.ZContext;

/**
 * A client's sockets to its workers, driven by hand on the test's thread (as its IO thread would)
 * against an echo worker; the pool's time is a {@link FakeClock}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolConnectionsTest {

    private static final long TIMEOUT = 3_000;

    @RegisterExtension
    final ZmqFixture zmq = new ZmqFixture();
    private final FakeClock clock = new FakeClock(1_000_000);
    private final WorkerPool pool = new WorkerPool("client-1", new WorkerPicker(Routing.LEAST_PENDING, b -> 0), TIMEOUT,
            clock);
    private final List<String> results = new CopyOnWriteArrayList<>();

    private PoolConnections connect(EchoWorker worker, Credentials credentials) {
        ZContext ctx = zmq.open(new ZContext(1));
        Wakeup wakeup = zmq.open(new Wakeup());
        ZmqSettings settings = ZmqSettings.from(BackendUri.parse(worker.url), Settings.empty());
        return new PoolConnections(ctx, settings, "client-1", credentials, pool,
                body -> results.add(new String(body, StandardCharsets.UTF_8)), wakeup);
    }

    private static PooledJob job(String id) {
        return new PooledJob(new OutboundJob(id, "client-1", EchoWorker.job("client-1", id, "hello"), 0));
    }

    /** Turns of the client's IO loop until {@code done}: ping, send, read, wait a little. */
    private static void turnUntil(PoolConnections connections, BooleanSupplier done) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
            connections.heartbeat();
            connections.flush();
            connections.read();
            connections.poll(20);
            return done.getAsBoolean();
        });
    }

    @Test
    void aClientThatProvesATrustedKeyGetsItsResults() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        PoolConnections connections = connect(worker, EchoWorker.trusted());
        PooledJob job = job("j1");
        pool.accept(job);

        turnUntil(connections, () -> !results.isEmpty());

        assertThat(results).containsExactly("client-1:j1:hello");
        assertThat(job.accepted).isCompleted();
        assertThat(job.sends).isEqualTo(1);
        assertThat(pool.unsettled()).as("its result settled it").isEmpty();
    }

    @Test
    void aClientWithAnUntrustedKeyHasItsJobRunButGetsNoResult() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        PoolConnections connections = connect(worker, EchoWorker.untrusted());
        PooledJob job = job("j1");
        pool.accept(job);

        // the challenge says the worker is up, so the job goes; the refused hello gets its result nowhere
        turnUntil(connections, () -> worker.deliveries.size() == 1);
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        turnUntil(connections, () -> System.nanoTime() > until);

        assertThat(results).isEmpty();
        assertThat(job.accepted).isCompleted();
        assertThat(pool.unsettled()).containsExactly(job);
    }

    @Test
    void aWorkerSilentPastTheTimeoutIsTakenOutAndItsJobWaitsForAnother() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        PoolConnections connections = connect(worker, EchoWorker.trusted());
        // a job the worker takes and never answers (the echo worker refuses it)
        PooledJob job = new PooledJob(new OutboundJob("j1", "client-1", ZmqFixture.utf8("refuse: no answer"), 0));
        pool.accept(job);
        turnUntil(connections, () -> worker.deliveries.size() == 1);
        worker.close();
        assertThat(job.member).isNotNull();

        clock.advance(Duration.ofMillis(TIMEOUT + 1));
        connections.heartbeat();

        assertThat(job.member).as("taken off the silent worker, waiting for one up").isNull();
        assertThat(job.sends).isEqualTo(1);
        assertThat(pool.unsettled()).containsExactly(job);
    }
}
