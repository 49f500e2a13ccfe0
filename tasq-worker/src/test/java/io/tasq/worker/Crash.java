package io.tasq.worker;

import java.lang.reflect.Field;

/** Ways for a job to end its JVM, for the process worker's tests. */
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
}
