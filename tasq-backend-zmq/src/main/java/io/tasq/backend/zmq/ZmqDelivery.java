package io.tasq.backend.zmq;

import io.tasq.spi.Delivery;
import io.tasq.spi.Limits;
import io.tasq.spi.ResultMessage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One job taken from a worker's PULL socket, as the core sees it. Settled once, whichever way
 * (a later settle does nothing): a result goes to the client that proved a key for the envelope's
 * client id, a hand-back to the one that proved a key for the frame's, and a job rejected or refused
 * becomes a dead letter. Its ids and attempt come from the frame and are unverified; they only
 * label a dead letter or address a hand-back. Thread-safe.
 */
final class ZmqDelivery implements Delivery {

    private final Settlements settlements;
    private final String jobId;
    private final int attempt;
    private final String client;
    private final byte[] body;
    private final AtomicBoolean settled = new AtomicBoolean();

    ZmqDelivery(Settlements settlements, String jobId, int attempt, String client, byte[] body) {
        this.settlements = settlements;
        this.jobId = jobId;
        this.attempt = attempt;
        this.client = client;
        this.body = body;
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    private boolean settle() {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        settlements.settled();
        return true;
    }

    @Override
    public void complete(ResultMessage result) {
        if (settle()) {
            settlements.publish(result);
        }
    }

    @Override
    public void ack() {
        if (settle()) {
            settlements.wake();
        }
    }

    @Override
    public void release() {
        if (settle()) {
            // the client sends it again, to this worker or the next one it reaches; only a peer that
            // proved a key for this client id hears of it
            settlements.handBack(client, jobId);
        }
    }

    @Override
    public void reject(String reason) {
        if (settle()) {
            settlements.deadLetter(jobId, client, body, attempt, reason);
            settlements.wake();
        }
    }

    @Override
    public void refuse(String reason) {
        if (settle()) {
            // unverified: at most its first bytes are kept, and nobody is told
            settlements.deadLetter(jobId, client, Limits.refusedBytes(body), attempt, reason);
            settlements.wake();
        }
    }
}
