package io.tasq.backend.rabbitmq;

import io.tasq.core.testkit.BackendContractTest;

/** The shared contract, against the real broker: each queue is a fresh queue name. */
class RabbitMqBackendContractTest extends BackendContractTest {

    @Override
    protected String newQueueUrl() {
        return TestBroker.queueUrl();
    }
}
