package io.tasq.backend.zmq;

import io.tasq.core.testkit.BackendContractTest;
import io.tasq.core.testkit.Ports;

/** The shared contract, over real loopback sockets: each queue is a fresh pair of ports. */
class ZmqBackendContractTest extends BackendContractTest {

    @Override
    protected String newQueueUrl() {
        return "zmq://127.0.0.1:" + Ports.freePair();
    }

    @Override
    protected boolean sharedQueue() {
        return false;
    }
}
