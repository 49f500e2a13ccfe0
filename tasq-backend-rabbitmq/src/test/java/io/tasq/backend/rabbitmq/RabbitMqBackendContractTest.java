package io.tasq.backend.rabbitmq;

import io.tasq.core.testkit.BackendContractTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** The shared contract, against the real broker: each queue is a fresh queue name. */
class RabbitMqBackendContractTest extends BackendContractTest {

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
