package io.tasq.core.worker;

import io.tasq.spi.Delivery;
import io.tasq.spi.ResultMessage;
import java.util.Map;

/** A delivery that leaves the worker's in-hand set when settled. */
record TrackedDelivery(Delivery d, Map<Delivery, Boolean> inHand) implements Delivery {
    @Override
    public byte[] body() {
        return d.body();
    }

    @Override
    public String id() {
        return d.id();
    }

    @Override
    public int attempt() {
        return d.attempt();
    }

    @Override
    public long run() {
        return d.run();
    }

    @Override
    public void complete(ResultMessage result) {
        inHand.remove(d);
        d.complete(result);
    }

    @Override
    public void ack() {
        inHand.remove(d);
        d.ack();
    }

    @Override
    public void release() {
        inHand.remove(d);
        d.release();
    }

    @Override
    public boolean retry(long notBeforeMillis) {
        boolean taken = d.retry(notBeforeMillis);
        if (taken) {
            inHand.remove(d);
        }
        return taken;
    }

    @Override
    public boolean defer(long notBeforeMillis) {
        boolean taken = d.defer(notBeforeMillis);
        if (taken) {
            inHand.remove(d);
        }
        return taken;
    }

    @Override
    public void refuse(String reason) {
        inHand.remove(d);
        d.refuse(reason);
    }

    @Override
    public void reject(String reason) {
        inHand.remove(d);
        d.reject(reason);
    }
}
