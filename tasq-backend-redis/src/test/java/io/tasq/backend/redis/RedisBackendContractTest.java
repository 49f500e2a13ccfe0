package io.tasq.backend.redis;

import io.tasq.core.testkit.SharedQueueContractTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** The shared contract, against the test Redis: each queue is a fresh name, deleted at the end. */
class RedisBackendContractTest extends SharedQueueContractTest {

    private static final List<String> URLS = new CopyOnWriteArrayList<>();

    @Override
    protected String newQueueUrl() {
        String url = TestRedis.url(TestRedis.newQueue());
        URLS.add(url);
        return url;
    }

    /**
     * Workers remember the jobs they took for 5 s instead of an hour ({@code redis.replay-window}): the
     * steady-load test then sees the queue's keys come back to their baseline within its wait, which
     * shows that the memory of jobs taken goes away by itself.
     */
    @Override
    protected io.tasq.spi.Settings workerSettings() {
        return super.workerSettings().with("redis.replay-window", "5s", "test");
    }

    /** The queue's keys, plus the entries each holds (stream, sorted set, hash, list or set members). */
    @Override
    protected long footprint(String url) {
        String name = io.tasq.spi.BackendUri.parse(url).param("name").orElseThrow();
        try (redis.clients.jedis.Jedis j = TestRedis.jedis(url)) {
            long total = 0;
            String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
            do {
                var page = j.scan(cursor, new redis.clients.jedis.params.ScanParams().match("tasq:{" + name + "}:*")
                        .count(1_000));
                for (String key : page.getResult()) {
                    total += 1 + switch (j.type(key)) {
                        case "stream" -> j.xlen(key);
                        case "zset" -> j.zcard(key);
                        case "hash" -> j.hlen(key);
                        case "list" -> j.llen(key);
                        case "set" -> j.scard(key);
                        default -> 0;
                    };
                }
                cursor = page.getCursor();
            } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
            return total;
        }
    }

    @AfterAll
    static void deleteQueues() {
        TestRedis.deleteQueues(URLS);
    }
}
