package io.tasq.bench;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendUri;

/**
 * The entry point of {@code tq bench --raw}: picks the bare echo for a backend URL's scheme, the
 * transport's own limit that Tasq's figures are compared with. Each echo talks to its transport
 * through the client library only (JeroMQ, Jedis, amqp-client), never through Tasq.
 */
public final class RawEcho {

    /** The prefetch of the RabbitMQ echo's consumer: the same as a Tasq worker's. */
    static final int RABBIT_PREFETCH = 256;

    private RawEcho() {
    }

    /**
     * Starts the echo for {@code url}: {@code zmq://} (or {@code tcp://}), {@code redis://} or
     * {@code amqp://}. {@code redisThreads} is how many threads answer on Redis (unused otherwise).
     *
     * @throws ConfigurationException for any other scheme
     */
    public static BenchTarget open(String url, int redisThreads) throws Exception {
        BackendUri uri = BackendUri.parse(url);
        return switch (uri.scheme()) {
            case "zmq", "tcp" -> new ZmqEcho(uri.host("127.0.0.1", 9000).host());
            case "redis" -> new RedisEcho(url, redisThreads);
            case "amqp" -> new RabbitEcho(url, RABBIT_PREFETCH);
            default -> throw new ConfigurationException("--raw knows zmq://, redis:// and amqp:// URLs, not " + uri.scheme()
                    + "://");
        };
    }
}
