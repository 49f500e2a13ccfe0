package io.tasq.core.testkit;

import io.tasq.spi.Settings;
import java.util.Map;

/** Signing settings shared by test clients and workers. */
public final class TestKeys {

    /** The HMAC key tests sign with. */
    public static final String KEY = "tasq-test-key-0123456789abcdef";

    private TestKeys() {
    }

    /** Client settings: sign with {@link #KEY}. */
    public static Map<String, String> client() {
        return Map.of("sign.key", KEY);
    }

    /** Worker settings: trust {@link #KEY}, and let the test classes be deserialized. */
    public static Settings worker() {
        return Settings.of(Map.of("sign.key", KEY, "worker.allow-classes", "io.tasq.**",
                "worker.timeout-grace", "500ms"), "test");
    }
}
