package io.tasq.worker;

/** Jobs that take their time, for the shutdown tests. */
final class Sleepy {

    private Sleepy() {
    }

    /** Sleeps, interruptibly. */
    static String sleep(int millis) throws InterruptedException {
        Thread.sleep(millis);
        return "slept " + millis;
    }

    /** Spins without looking at interrupts: only a process exit stops it. */
    static String spin(int millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x++;
        }
        return "spun " + x;
    }

    static long pid(int unused) {
        return ProcessHandle.current().pid();
    }
}
