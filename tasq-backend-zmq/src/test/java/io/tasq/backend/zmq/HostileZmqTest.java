package io.tasq.backend.zmq;

import io.tasq.core.testkit.HostileContractTest;
import io.tasq.core.testkit.Ports;

/** The hostile-input contract over real loopback sockets: an attacker who can reach a worker's ports. */
class HostileZmqTest extends HostileContractTest {

    @Override
    protected String newQueueUrl() {
        // each worker its own queue name: a job is signed for one, and refused by a worker of another
        return "zmq://127.0.0.1:" + Ports.freePair() + "?name=hostile-" + System.nanoTime();
    }

    @Override
    protected boolean sharedQueue() {
        return false;
    }

    @Override
    protected boolean peersProveKeys() {
        return true;
    }
}
