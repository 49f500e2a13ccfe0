package io.tasq.backend.rabbitmq;

import io.tasq.core.testkit.HostileContractTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** The hostile-input contract against the real broker: an attacker who can publish to the queue. */
class HostileRabbitMqTest extends HostileContractTest {

    private static final List<String> NAMES = new CopyOnWriteArrayList<>();

    @Override
    protected String newQueueUrl() {
        String url = TestBroker.queueUrl();
        NAMES.add(TestBroker.nameOf(url));
        return url;
    }

    @AfterAll
    static void deleteQueues() {
        NAMES.forEach(TestBroker::deleteQueues);
    }
}
