package io.tasq.worker;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Ways for a job to end its JVM, and to tell which JVM ran it, for the process worker's tests. */
final class Crash {

    private Crash() {
    }

    static int exit(int code) {
        System.exit(code);
        return code;
    }

    static int exhaustMemory(int unused) {
        java.util.List<long[]> hog = new java.util.ArrayList<>();
        while (true) {
            hog.add(new long[16 << 20]);
        }
    }

    /** Writes to address 0: a SIGSEGV the JVM cannot survive. */
    static int segfault(int unused) throws Exception {
        Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
        f.setAccessible(true);
        Object unsafe = f.get(null);
        unsafe.getClass().getMethod("putAddress", long.class, long.class).invoke(unsafe, 0L, 42L);
        return unused;
    }

    static long pid(int unused) {
        return ProcessHandle.current().pid();
    }

    /**
     * Marks {@code dir/met-N}, waits (up to 30 s) until two jobs have marked, and returns this
     * process's id: two such jobs both return only when they run at the same time.
     */
    static long meetAnother(String dir, int n) throws Exception {
        Path d = Path.of(dir);
        try (WatchService files = d.getFileSystem().newWatchService()) {
            d.register(files, StandardWatchEventKinds.ENTRY_CREATE); // before marking: no mark is missed
            Files.writeString(d.resolve("met-" + n), "");
            long end = System.nanoTime() + 30_000_000_000L;
            while (marks(d) < 2) {
                long left = end - System.nanoTime();
                WatchKey created = left > 0 ? files.poll(left, TimeUnit.NANOSECONDS) : null;
                if (created == null) {
                    throw new IllegalStateException("no other job ran at the same time");
                }
                created.pollEvents();
                created.reset();
            }
        }
        return ProcessHandle.current().pid();
    }

    private static long marks(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("met-")).count();
        }
    }
}
