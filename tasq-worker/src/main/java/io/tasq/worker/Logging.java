package io.tasq.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tasq.ConfigurationException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Sets the log level of the launcher's logback. */
final class Logging {

    private Logging() {
    }

    static void level(String name) {
        if (name == null) {
            return;
        }
        Level level = Level.toLevel(name.toUpperCase(Locale.ROOT), null);
        if (level == null) {
            throw new ConfigurationException("unknown log level '" + name + "'; use error, warn, info, debug or trace");
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
    }
}
