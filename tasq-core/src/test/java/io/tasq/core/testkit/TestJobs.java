package io.tasq.core.testkit;

import java.io.Serializable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/** Jobs and values the contract tests send; their classes are allowed by {@link BackendContractTest}. */
public final class TestJobs {

    private TestJobs() {
    }

    /** A value type defined by the application. */
    public record Tagged(String client, int index) implements Serializable {
    }

    /** Throws with a cause, so the remote trace has two levels. */
    public static String explode(String message) {
        try {
            throw new IllegalArgumentException("inner " + message);
        } catch (IllegalArgumentException inner) {
            throw new IllegalStateException(message, inner);
        }
    }

    /** Waits until {@code parties} jobs wait together: passes only if that many run at once. */
    public static final CyclicBarrier[] BARRIER = new CyclicBarrier[1];

    public static int meetOthers(int i) throws Exception {
        BARRIER[0].await(20, TimeUnit.SECONDS);
        return i;
    }
}
