package io.tasq.backend.zmq;

import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Picks the worker a job goes to, among those of a pool that are {@link PoolMember#eligible
 * eligible}, as its {@link ZmqSettings.Routing routing} says: each in turn, one at random, or the one
 * with the fewest pending jobs (ties in turn). A pool of one needs no pick. Not thread-safe: its
 * cursor belongs to one {@link WorkerPool}.
 */
final class WorkerPicker {

    private final ZmqSettings.Routing routing;
    /** A random index below its argument. */
    private final IntUnaryOperator random;
    private int cursor;

    /** @param random gives a random int in [0, bound) for a bound it is handed */
    WorkerPicker(ZmqSettings.Routing routing, IntUnaryOperator random) {
        this.routing = routing;
        this.random = random;
    }

    /** The worker for the next job, or null if none is eligible. */
    PoolMember pick(List<PoolMember> members) {
        int n = members.size();
        if (n == 1) {
            PoolMember only = members.get(0);
            return only.eligible() ? only : null;
        }
        int start = Math.floorMod(cursor++, Math.max(1, n));
        return switch (routing) {
            case ROUND_ROBIN -> inTurn(members, start);
            case RANDOM -> atRandom(members);
            case LEAST_PENDING -> leastPending(members, start);
        };
    }

    private PoolMember inTurn(List<PoolMember> members, int start) {
        int n = members.size();
        for (int i = 0; i < n; i++) {
            PoolMember m = members.get((start + i) % n);
            if (m.eligible()) {
                cursor = start + i + 1;
                return m;
            }
        }
        return null;
    }

    private PoolMember atRandom(List<PoolMember> members) {
        int eligible = (int) members.stream().filter(PoolMember::eligible).count();
        if (eligible == 0) {
            return null;
        }
        int k = random.applyAsInt(eligible);
        for (PoolMember m : members) {
            if (m.eligible() && k-- == 0) {
                return m;
            }
        }
        return null;
    }

    /** The eligible worker with the fewest pending jobs; of several, the first from {@code start} on. */
    private static PoolMember leastPending(List<PoolMember> members, int start) {
        int n = members.size();
        PoolMember best = null;
        for (int i = 0; i < n; i++) {
            PoolMember m = members.get((start + i) % n);
            if (m.eligible() && (best == null || m.pending < best.pending)) {
                best = m;
            }
        }
        return best;
    }
}
