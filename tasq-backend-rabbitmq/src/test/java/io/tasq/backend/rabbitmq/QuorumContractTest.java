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

    @Override
    protected long footprint(String url) {
        return TestBroker.footprint(TestBroker.nameOf(url));
    }

    /** The full 100,000 run once, on classic queues; a shorter one here. */
    @Override
    protected int steadyLoadJobs() {
        return 10_000;
    }

    @AfterAll
    static void deleteQueues() {
        NAMES.forEach(TestBroker::deleteQueues);
    }
}
