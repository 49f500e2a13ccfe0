package com.example.shipped;

/** Application code a job calls but does not hold: reached only through the job's class file. */
public final class Fibonacci {

    private Fibonacci() {
    }

    public static long of(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long t = a + b;
            a = b;
            b = t;
        }
        return a;
    }
}
