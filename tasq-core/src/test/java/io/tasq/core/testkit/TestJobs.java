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

    /** Calls per token, shared by the in-process workers of a test and the test itself. */
    public static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> CALLS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Counts a call of {@code token} and returns the count. */
    public static int count(String token) {
        return CALLS.computeIfAbsent(token, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    }

    private static final java.util.Map<String, java.util.concurrent.CountDownLatch> GATES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static java.util.concurrent.CountDownLatch gate(String token) {
        return GATES.computeIfAbsent(token, k -> new java.util.concurrent.CountDownLatch(1));
    }

    /**
     * For a job that must still be running when the test does something: counts
     * {@code token + ":started"}, then waits (at most a minute) until the test calls
     * {@link #release}.
     */
    public static void holdUntilReleased(String token) throws InterruptedException {
        count(token + ":started");
        gate(token).await(60, TimeUnit.SECONDS);
    }

    /** Lets the jobs held under {@code token} go on. */
    public static void release(String token) {
        gate(token).countDown();
    }

    /** How many calls of {@code token} so far. */
    public static int calls(String token) {
        java.util.concurrent.atomic.AtomicInteger n = CALLS.get(token);
        return n == null ? 0 : n.get();
    }

    /** Fails the first {@code failures} calls of {@code token}, then returns the call number. */
    public static int flaky(String token, int failures) {
        int n = count(token);
        if (n <= failures) {
            throw new IllegalStateException("flaky call " + n + " of " + token);
        }
        return n;
    }

    /**
     * A job's own work: takes {@code millis}, interruptibly. The one place test jobs pass time, so that
     * no test waits on a guess: tests wait for what jobs did, with Awaitility.
     */
    public static void work(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** Sleeps interruptibly for {@code millis}, noting an interrupt under {@code token + ":interrupted"}. */
    public static String nap(String token, int millis) {
        count(token);
        try {
            work(millis);
            return "slept";
        } catch (InterruptedException e) {
            count(token + ":interrupted");
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Spins for {@code millis} and ignores interrupts. */
    public static String spin(int millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x++;
        }
        return "spun " + x;
    }

    /** When each call of a token started, by {@link System#nanoTime()}, in order. */
    private static final java.util.Map<String, java.util.List<Long>> STARTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Like {@link #flaky}, noting when each call started (see {@link #starts}). */
    public static int flakyTimed(String token, int failures) {
        STARTS.computeIfAbsent(token, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(System.nanoTime());
        return flaky(token, failures);
    }

    /** When the calls of {@code token} to {@link #flakyTimed} started, in nanoseconds, in order. */
    public static java.util.List<Long> starts(String token) {
        return java.util.List.copyOf(STARTS.getOrDefault(token, java.util.List.of()));
    }
}
