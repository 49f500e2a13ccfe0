package io.tasq.backend.redis;

import io.tasq.core.testkit.BackendContractTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** The shared contract, against the test Redis: each queue is a fresh name, deleted at the end. */
class RedisBackendContractTest extends BackendContractTest {

    private static final List<String> URLS = new CopyOnWriteArrayList<>();

    @Override
    protected String newQueueUrl() {
        String url = TestRedis.url(TestRedis.newQueue());
        URLS.add(url);
        return url;
    }

    @AfterAll
    static void deleteQueues() {
        TestRedis.deleteQueues(URLS);
    }
}
