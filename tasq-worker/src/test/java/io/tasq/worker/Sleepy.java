package io.tasq.worker;

/** Jobs that take their time, for the shutdown tests. */
final class Sleepy {

    private Sleepy() {
    }

    /** Sleeps, interruptibly: the job's own work, and the one place these jobs pass time. */
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

    /** Sleeps a little, then says which process ran it: {@code pid:n}. */
    static String napAndTell(int n) throws InterruptedException {
        sleep(10);
        return ProcessHandle.current().pid() + ":" + n;
    }

    static long pid(int unused) {
        return ProcessHandle.current().pid();
    }

    /** Sleeps, interruptibly, then says which process ran it: {@code pid:millis}. */
    static String sleepAndTell(int millis) throws InterruptedException {
        sleep(millis);
        return ProcessHandle.current().pid() + ":" + millis;
    }

    /** Writes {@code dir/started-MILLIS} (so that a test sees it running), then does {@link #sleepAndTell}. */
    static String markThenSleep(String dir, int millis) throws Exception {
        mark(dir, millis);
        return sleepAndTell(millis);
    }

    /** Writes {@code dir/started-MILLIS}, then does {@link #sleep}. */
    static String markThenSleepQuietly(String dir, int millis) throws Exception {
        mark(dir, millis);
        return sleep(millis);
    }

    /** Writes {@code dir/started-MILLIS}, then does {@link #spin}. */
    static String markThenSpin(String dir, int millis) throws Exception {
        mark(dir, millis);
        return spin(millis);
    }

    private static void mark(String dir, int millis) throws java.io.IOException {
        java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "started-" + millis), "");
    }

    /** Whether the job given {@code millis} has started: {@code dir/started-MILLIS} exists. */
    static boolean started(java.nio.file.Path dir, int millis) {
        return java.nio.file.Files.exists(dir.resolve("started-" + millis));
    }
}
