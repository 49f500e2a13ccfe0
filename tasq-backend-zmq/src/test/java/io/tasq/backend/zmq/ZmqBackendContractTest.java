package io.tasq.backend.zmq;

import io.tasq.core.testkit.BackendContractTest;
import io.tasq.core.testkit.Ports;

/**
 * The shared contract, over real loopback sockets: each queue is a fresh pair of ports. A ZMQ worker
 * owns its port, so this test extends {@link BackendContractTest}, not {@code SharedQueueContractTest}:
 * the cases of several workers on one queue are not run here (nor counted as passed); pools of
 * workers are {@code PoolTest}'s (and {@code ZmqPoolIT}'s in tasq-worker).
 */
class ZmqBackendContractTest extends BackendContractTest {

    @Override
    protected String newQueueUrl() {
        return "zmq://127.0.0.1:" + Ports.freePair();
    }
}
