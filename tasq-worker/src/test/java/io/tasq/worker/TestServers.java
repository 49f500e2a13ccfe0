package io.tasq.worker;

import static org.assertj.core.api.Assertions.fail;

import io.tasq.spi.QueueAdmin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * The Redis and RabbitMQ servers the launcher's tests use: {@code TASQ_TEST_REDIS_URL} and
 * {@code TASQ_TEST_AMQP_URL}, else the local ones. A server that does not answer fails the test with
 * how to start it; nothing is skipped.
 */
public final class TestServers {

    private TestServers() {
    }

    /** The Redis base URL, checked: {@code redis://host:port/db}. */
    public static String redis() {
        return reachable(System.getenv("TASQ_TEST_REDIS_URL"), "redis://127.0.0.1:6379/0", 6379,
                "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no");
    }

    /** The RabbitMQ base URL, checked: {@code amqp://user:pass@host:port/vhost}. */
    public static String amqp() {
        return reachable(System.getenv("TASQ_TEST_AMQP_URL"), "amqp://guest:guest@127.0.0.1:5672/%2f", 5672,
                "rabbitmq-server -detached && rabbitmqctl await_startup");
    }

    /**
     * Waits until a worker of the queue at {@code url} announced, in a heartbeat, what {@code seen}
     * looks for: what {@code tq inspect} reads next is then known.
     */
    public static void awaitHeartbeat(String url, java.util.function.Predicate<io.tasq.spi.WorkerInfo> seen) {
        try (io.tasq.spi.Backend b = io.tasq.spi.Providers.backend(url, io.tasq.spi.Settings.empty())) {
            // as tq inspect does: with the operator's key (a ZMQ worker answers no operator without one)
            b.useCredentials(io.tasq.core.security.KeyCredentials.from(io.tasq.core.testkit.TestKeys.worker()));
            io.tasq.spi.QueueAdmin admin = b.feature(QueueAdmin.class).orElseThrow();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> admin.workers().stream().anyMatch(seen));
        }
    }

    /** Deletes every key of the Redis queue {@code queue} on the test Redis. */
    public static void deleteRedisQueue(String queue) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(URI.create(redis()))) {
            String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
            do {
                var page = j.scan(cursor, new redis.clients.jedis.params.ScanParams().match("tasq:{" + queue + "}:*")
                        .count(1000));
                if (!page.getResult().isEmpty()) {
                    j.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
        }
    }

    private static String reachable(String configured, String local, int defaultPort, String howToStart) {
        String url = configured == null || configured.isBlank() ? local : configured.strip();
        URI uri = URI.create(url);
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 2_000);
        } catch (IOException e) {
            fail("nothing answers at " + uri.getHost() + ":" + port + " (" + e.getMessage() + "); start the server ("
                    + howToStart + ", or run .ci/run, which installs and starts it) or point the TASQ_TEST_* "
                    + "variable at one");
        }
        return url;
    }
}
