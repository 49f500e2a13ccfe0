package io.tasq.backend.rabbitmq;

import io.tasq.core.testkit.BackendContractTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** The shared contract again, on quorum queues ({@code ?queue-type=quorum}). */
class QuorumContractTest extends BackendContractTest {

    private static final List<String> NAMES = new CopyOnWriteArrayList<>();

    @Override
    protected String newQueueUrl() {
        String url = TestBroker.queueUrl("queue-type=quorum");
        NAMES.add(TestBroker.nameOf(url));
        return url;
    }

    @AfterAll
    static void deleteQueues() {
        NAMES.forEach(TestBroker::deleteQueues);
    }
}
