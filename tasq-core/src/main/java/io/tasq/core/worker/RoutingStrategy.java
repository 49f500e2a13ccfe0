package io.tasq.core.worker;

import io.tasq.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a worker picks the actor that runs the next job ({@code worker.router}). Whichever the
 * strategy, a job never waits behind a busy actor while another actor is idle: it goes to the idle one.
 */
public enum RoutingStrategy {
    /** Each actor in turn. */
    ROUND_ROBIN("round-robin"),
    /** An actor picked at random. */
    RANDOM("random"),
    /** The actor with the fewest messages waiting or in hand; ties go round the actors. */
    SMALLEST_MAILBOX("smallest-mailbox");

    private final String label;

    RoutingStrategy(String label) {
        this.label = label;
    }

    /** The name used in settings and flags, for example {@code smallest-mailbox}. */
    public String label() {
        return label;
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
