package com.example.shipped;

import io.tasq.Job;

/** Jobs written as nested and anonymous classes. */
public final class Jobs {

    private Jobs() {
    }

    /** A static nested job class. */
    public static final class Shout implements Job<String> {
        private static final long serialVersionUID = 1L;
        private final String word;

        public Shout(String word) {
            this.word = word;
        }

        @Override
        public String call() {
            return word.toUpperCase(java.util.Locale.ROOT) + "!";
        }
    }

    /** An anonymous job class, whose code uses a local class. */
    public static Job<String> anonymous(int times) {
        return new Job<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public String call() {
                record Repeat(String s, int n) {
                    String run() {
                        return s.repeat(n);
                    }
                }
                return new Repeat("ab", times).run();
            }
        };
    }
}
