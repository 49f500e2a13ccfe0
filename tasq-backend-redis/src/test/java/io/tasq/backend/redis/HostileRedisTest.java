package io.tasq.backend.redis;

import io.tasq.core.testkit.HostileContractTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** The hostile-input contract against the test Redis: an attacker who can write to the queue's keys. */
class HostileRedisTest extends HostileContractTest {

    private static final List<String> URLS = new CopyOnWriteArrayList<>();

    @Override
    protected String newQueueUrl() {
        String url = TestRedis.url(TestRedis.newQueue());
        URLS.add(url);
        return url;
    }

    @Override
    protected boolean sharedReplayMemory() {
        return true;
    }

    @AfterAll
    static void deleteQueues() {
        TestRedis.deleteQueues(URLS);
    }
}
