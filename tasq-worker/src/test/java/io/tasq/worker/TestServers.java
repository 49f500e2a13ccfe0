package io.tasq.worker;

import static org.assertj.core.api.Assertions.fail;

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
