package io.tasq.core.internal.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.tasq.InvalidScheduleException;
import io.tasq.spi.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Optional;

/**
 * When a repeating job runs: every fixed interval, or on a cron expression in a time zone. Parsed
 * from the text a user gives to {@link io.tasq.JobOptions#every(String)}; cron expressions are read
 * by cron-utils (5 fields as in Unix cron, 6 fields with seconds first as in Spring).
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Schedule permits Schedule.Every, Schedule.OnCron {

    /** The accepted forms, for error messages. */
    String FORMS = "an interval (500ms, 8s, 6m, 2h, 1d, or ISO-8601 such as PT8S) or a cron expression of 5 fields "
            + "(minute hour day-of-month month day-of-week, e.g. \"*/5 * * * *\") or 6 fields (seconds first, e.g. "
            + "\"0 0 9 * * MON-FRI\"), optionally followed by a time zone (\"0 9 * * * Europe/Rome\"; UTC if none)";

    /** The shortest interval accepted. */
    Duration MIN_INTERVAL = Duration.ofMillis(100);

    /** The text carried on the wire, from which {@link #parse} makes the same schedule again. */
    String canonical();

    /** The first run time strictly after {@code after}. */
    Instant nextAfter(Instant after);

    /** Runs every {@code interval}, the first run one interval after submission (or after the delay). */
    record Every(Duration interval) implements Schedule {
        @Override
        public String canonical() {
            return interval.toString();
        }

        @Override
        public Instant nextAfter(Instant after) {
            return after.plus(interval);
        }
    }

    /** Runs on a cron expression in a time zone. */
    record OnCron(String expression, ZoneId zone, ExecutionTime times) implements Schedule {
        @Override
        public String canonical() {
            return expression + " " + zone.getId();
        }

        @Override
        public Instant nextAfter(Instant after) {
            return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant)
                    .orElse(Instant.MAX);
        }
    }

    /**
     * Parses an interval or cron expression.
     *
     * @throws InvalidScheduleException saying what is wrong and listing the accepted forms
     */
    static Schedule parse(String text) {
        String s = text.strip();
        Optional<Duration> d = Durations.tryParse(s);
        if (d.isPresent()) {
            if (d.get().compareTo(MIN_INTERVAL) < 0) {
                throw new InvalidScheduleException("interval '" + text + "' is shorter than " + MIN_INTERVAL.toMillis()
                        + "ms; use " + FORMS);
            }
            return new Every(d.get());
        }
        String[] parts = s.split("\\s+");
        ZoneId zone = ZoneOffset.UTC;
        if (parts.length == 6 || parts.length == 7) {
            Optional<ZoneId> z = zone(parts[parts.length - 1]);
            if (z.isPresent()) {
                zone = z.get();
                parts = Arrays.copyOf(parts, parts.length - 1);
            }
        }
        CronType type;
        if (parts.length == 5) {
            type = CronType.UNIX;
        } else if (parts.length == 6) {
            type = CronType.SPRING;
        } else {
            throw new InvalidScheduleException("'" + text + "' is neither an interval nor a cron expression (it has "
                    + parts.length + " fields); use " + FORMS);
        }
        String expression = String.join(" ", parts);
        try {
            Cron cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(expression);
            cron.validate();
            return new OnCron(expression, zone, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException e) {
            throw new InvalidScheduleException("'" + text + "' is not a valid cron expression (" + e.getMessage()
                    + "); use " + FORMS);
        }
    }

    private static Optional<ZoneId> zone(String token) {
        if (!token.contains("/") && !token.equals("UTC") && !token.equals("Z") && !token.startsWith("GMT")
                && !token.startsWith("UTC+") && !token.startsWith("UTC-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(token));
        } catch (DateTimeException e) {
            throw new InvalidScheduleException("'" + token + "' is not a time zone; use a region such as Europe/Rome "
                    + "or UTC");
        }
    }
}
