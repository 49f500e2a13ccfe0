package com.example.shiptest;

import java.io.Serializable;

/** Code a shipped job calls; reached only through the job's class file. */
final class Helpers {

    private Helpers() {
    }

    static int square(int n) {
        return n * n;
    }

    /** A value a shipped job returns. */
    record Box(Object value) implements Serializable {
    }
}
