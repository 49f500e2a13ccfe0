package io.tasq.core.internal.actor;

import io.tasq.core.worker.RoutingStrategy;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks one of a non-empty list of actors, the way a {@link RoutingStrategy} says. Thread-safe. */
interface Selector {

    Actor<?> select(List<? extends Actor<?>> actors);

    /** A fresh selector for one router. */
    static Selector of(RoutingStrategy strategy) {
        return switch (strategy) {
            case ROUND_ROBIN -> roundRobin();
            case RANDOM -> actors -> actors.get(ThreadLocalRandom.current().nextInt(actors.size()));
            case SMALLEST_MAILBOX -> smallestMailbox();
        };
    }

    private static Selector roundRobin() {
        AtomicInteger next = new AtomicInteger();
        return actors -> actors.get(Math.floorMod(next.getAndIncrement(), actors.size()));
    }

    private static Selector smallestMailbox() {
        AtomicInteger start = new AtomicInteger();
        return actors -> {
            int n = actors.size();
            int from = Math.floorMod(start.getAndIncrement(), n);
            Actor<?> best = null;
            int bestLoad = Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                Actor<?> a = actors.get((from + i) % n);
                int load = a.load();
                if (load < bestLoad) {
                    best = a;
                    bestLoad = load;
                    if (load == 0) {
                        break;
                    }
                }
            }
            return best;
        };
    }
}
