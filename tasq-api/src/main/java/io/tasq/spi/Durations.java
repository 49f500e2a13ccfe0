package io.tasq.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations the way users write them in settings and schedules: {@code 500ms}, {@code 8s},
 * {@code 6m}, {@code 2h}, {@code 1d}, a plain number of seconds, or ISO-8601 ({@code PT8S}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {

    /** The accepted forms, for error messages. */
    public static final String FORMS = "a number with a unit (500ms, 8s, 6m, 2h, 1d), a number of seconds, "
            + "or ISO-8601 (PT8S)";

    private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)?");

    private Durations() {
    }

    /** The duration {@code text} stands for, or empty if it is none of the accepted forms. */
    public static Optional<Duration> tryParse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("p") || s.startsWith("-p")) {
            try {
                return Optional.of(Duration.parse(s.toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        Matcher m = SHORT.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            case "d" -> amount * 86_400_000;
            case "w" -> amount * 604_800_000;
            default -> throw new AssertionError(unit);
        };
        if (millis > Long.MAX_VALUE / 2) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.round(millis * 1_000_000)));
    }

    /**
     * The duration {@code text} stands for.
     *
     * @param what names the value in the error message, for example {@code setting 'worker.grace'}
     * @throws IllegalArgumentException if {@code text} is none of the accepted forms
     */
    public static Duration parse(String text, String what) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                what + ": '" + text + "' is not a duration; use " + FORMS));
    }
}
