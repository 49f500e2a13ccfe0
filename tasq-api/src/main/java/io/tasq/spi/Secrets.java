package io.tasq.spi;

import java.util.Locale;

/**
 * Tells which settings hold secrets, so that listings and logs mask them. Stateless.
 */
public final class Secrets {

    private Secrets() {
    }

    /** Whether the setting {@code key} holds a secret (a key, a password, a token). */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith(".key") || k.contains("password") || k.contains("secret") || k.endsWith("token");
    }
}
