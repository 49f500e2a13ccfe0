package io.tasq.core.actor;

import io.tasq.ConfigurationException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * How a {@link Router} picks the actor for the next message. Each strategy makes a fresh,
 * thread-safe {@link Selector} per router.
 */
public enum RoutingStrategy {
    /** Each actor in turn. */
    ROUND_ROBIN("round-robin") {
        @Override
        Selector selector() {
            AtomicInteger next = new AtomicInteger();
            return actors -> actors.get(Math.floorMod(next.getAndIncrement(), actors.size()));
        }
    },
    /** An actor picked at random. */
    RANDOM("random") {
        @Override
        Selector selector() {
            return actors -> actors.get(ThreadLocalRandom.current().nextInt(actors.size()));
        }
    },
    /** The actor with the fewest messages waiting or in hand; ties go round the actors. */
    SMALLEST_MAILBOX("smallest-mailbox") {
        @Override
        Selector selector() {
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
    };

    private final String label;

    RoutingStrategy(String label) {
        this.label = label;
    }

    /** The name used in settings and flags, for example {@code smallest-mailbox}. */
    public String label() {
        return label;
    }

    abstract Selector selector();

    /** Picks one of a non-empty list of actors. */
    interface Selector {
        Actor<?> select(List<? extends Actor<?>> actors);
    }

    /**
     * The strategy named {@code name} ({@code round-robin}, {@code random}, {@code smallest-mailbox}).
     *
     * @throws ConfigurationException for any other name, listing the known ones
     */
    public static RoutingStrategy parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (RoutingStrategy s : values()) {
            if (s.label.equals(n)) {
                return s;
            }
        }
        throw new ConfigurationException("unknown routing strategy '" + name + "'; use one of "
                + Arrays.stream(values()).map(RoutingStrategy::label).collect(Collectors.joining(", ")));
    }
}
