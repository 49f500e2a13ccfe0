package io.tasq.backend.redis;

import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis server the tests share: {@code TASQ_TEST_REDIS_URL}, else {@code redis://127.0.0.1:6379}.
 * If it cannot be reached, a Redis container is started when a Docker engine is available; else the
 * tests fail (never skip) with a message saying how to start a server. Every test uses queues of its
 * own ({@link #newQueue()}) so that runs never collide.
 */
final class TestRedis {

    static final String ENV = "TASQ_TEST_REDIS_URL";
    static final String DEFAULT_URL = "redis://127.0.0.1:6379";

    private static String base;
    private static String failure;
    private static GenericContainer<?> container;

    private TestRedis() {
    }

    /** The server's URL, without a queue name. */
    static synchronized String baseUrl() {
        if (failure != null) {
            throw new IllegalStateException(failure); // looked once: every test class fails the same way, fast
        }
        if (base == null) {
            String configured = System.getenv(ENV);
            String url = configured == null || configured.isBlank() ? DEFAULT_URL : configured.strip();
            String problem = reach(url);
            if (problem == null) {
                base = url;
            } else if (DockerClientFactory.instance().isDockerAvailable()) {
                base = startContainer();
            } else {
                failure = "the Redis tests need a server: " + problem + " ("
                        + (configured == null ? "the default; set " + ENV + " to use another" : "from " + ENV)
                        + ") and there is no Docker engine for Testcontainers. Start one with "
                        + "`redis-server --port 6379 --save '' --appendonly no --daemonize yes` (or run .ci/run, which "
                        + "installs and starts it), or point " + ENV + " at a reachable Redis 6.2+";
                throw new IllegalStateException(failure);
            }
        }
        return base;
    }

    /** A URL for {@code queue} on the test server. */
    static String url(String queue) {
        return baseUrl() + "?name=" + queue;
    }

    /** A queue name no other test uses. */
    static String newQueue() {
        return "test-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** The settings a test backend for {@code url} has. */
    static RedisSettings settings(String url) {
        return RedisSettings.from(BackendUri.parse(url), Settings.empty());
    }

    /** A connection of the test's own to the server (and database) of {@code url}, for looking inside. */
    static Jedis jedis(String url) {
        return new RedisConnections(settings(url), url).openUnguarded();
    }

    /** The keys of {@code queue} for looking inside. */
    static Keys keys(String url) {
        return new Keys(settings(url).queue());
    }

    /** Deletes every key of the queues in {@code urls}. */
    static void deleteQueues(List<String> urls) {
        for (String url : urls) {
            try (Jedis j = jedis(url)) {
                String pattern = "tasq:{" + settings(url).queue() + "}:*";
                String cursor = ScanParams.SCAN_POINTER_START;
                List<String> found = new ArrayList<>();
                do {
                    ScanResult<String> page = j.scan(cursor, new ScanParams().match(pattern).count(1000));
                    found.addAll(page.getResult());
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
                if (!found.isEmpty()) {
                    j.del(found.toArray(String[]::new));
                }
            }
        }
    }

    /** Null if a Redis answers at {@code url}, else what went wrong. */
    private static String reach(String url) {
        try (Jedis j = jedis(url)) {
            j.ping();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static String startContainer() {
        container = new GenericContainer<>(DockerImageName.parse("redis:7.0-alpine")).withExposedPorts(6379);
        container.start();
        return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
    }
}
