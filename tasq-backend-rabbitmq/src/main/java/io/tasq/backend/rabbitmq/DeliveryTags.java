package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.impl.recovery.AutorecoveringChannel;
import com.rabbitmq.client.impl.recovery.RecoveryAwareChannelN;

/**
 * Which delivery a worker's settlement settles, and whether its tag still means anything on the
 * channel at hand: a tag is valid only on the channel it came on, and only in that channel's current
 * life (automatic recovery keeps tags growing, and drops settlements of older ones). Stateless.
 */
final class DeliveryTags {

    private DeliveryTags() {
    }

    /**
     * Whether a delivery's tag means nothing on {@code ch} any more: it came on another channel, or
     * on this one before it was recovered.
     */
    static boolean stale(Channel ch, Channel from, long tag) {
        if (from != ch) {
            return true;
        }
        return ch instanceof AutorecoveringChannel a && a.getDelegate() instanceof RecoveryAwareChannelN d
                && tag <= d.getActiveDeliveryTagOffset();
    }

    /** Whether {@code op} settles no delivery that is current on {@code ch} (or none at all). */
    static boolean stale(Channel ch, WorkerOp op) {
        if (op instanceof WorkerOp.Complete c) {
            return stale(ch, c.delivery().from(), c.delivery().tag());
        }
        if (op instanceof WorkerOp.Reject r) {
            return stale(ch, r.delivery().from(), r.delivery().tag());
        }
        if (op instanceof WorkerOp.Refuse r) {
            return stale(ch, r.delivery().from(), r.delivery().tag());
        }
        if (op instanceof WorkerOp.Forward f) {
            return stale(ch, f.from(), f.tag());
        }
        return true;
    }

    /** The delivery tag of an operation that settles a delivery once its publish is confirmed; -1 for others. */
    static long tag(WorkerOp op) {
        if (op instanceof WorkerOp.Complete c) {
            return c.delivery().tag();
        } else if (op instanceof WorkerOp.Reject r) {
            return r.delivery().tag();
        } else if (op instanceof WorkerOp.Refuse r) {
            return r.delivery().tag();
        } else if (op instanceof WorkerOp.Forward f) {
            return f.tag();
        }
        return -1;
    }
}
