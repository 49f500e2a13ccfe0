package io.tasq;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a job is submitted: its name, a delay before it runs, and an interval or cron expression for
 * a job that repeats.
 *
 * <p>Immutable: every method that changes an option returns a new instance, so a value can be kept
 * in a constant and shared between threads. Values are checked when set; an interval or cron
 * expression is parsed by the runtime when the job is submitted and rejected there with an
 * {@link InvalidScheduleException} listing the accepted forms.
 *
 * <pre>{@code
 * JobOptions.named("report").delay(Duration.ofSeconds(5));
 * JobOptions.named("every-8s").every("8s");          // also "6m", "2h", "1d", "PT8S", cron
 * }</pre>
 */
public final class JobOptions {

    /** The longest name a job may have, in characters. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final JobOptions DEFAULTS = new JobOptions(null, Duration.ZERO, null);

    private final String name;
    private final Duration delay;
    private final String every;

    private JobOptions(String name, Duration delay, String every) {
        this.name = name;
        this.delay = delay;
        this.every = every;
    }

    /** No name (the job gets its unique id as name), no delay, runs once. */
    public static JobOptions defaults() {
        return DEFAULTS;
    }

    /** Options with the given name, see {@link #name(String)}. */
    public static JobOptions named(String name) {
        return DEFAULTS.name(name);
    }

    /**
     * Names the job. A client refuses a second job with the name of one of its jobs that is still
     * pending ({@link DuplicateJobException}); a name may be reused once its job has finished.
     *
     * @param name 1 to {@value #MAX_NAME_LENGTH} characters, no control characters
     */
    public JobOptions name(String name) {
        Objects.requireNonNull(name, "name == null");
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a job name must have 1 to " + MAX_NAME_LENGTH
                    + " characters and not be blank, got '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("a job name may not contain control characters: '"
                        + name.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return new JobOptions(name, delay, every);
    }

    /**
     * Runs the job no earlier than {@code delay} after it is submitted. For a repeating job, delays
     * its first run.
     *
     * @param delay zero or positive
     */
    public JobOptions delay(Duration delay) {
        Objects.requireNonNull(delay, "delay == null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay must not be negative, got " + delay);
        }
        return new JobOptions(name, delay, every);
    }

    /**
     * Repeats the job. Accepted forms: a number with a unit ({@code "8s"}, {@code "6m"}, {@code "2h"},
     * {@code "1d"}, also {@code "500ms"}), an ISO-8601 duration ({@code "PT8S"}), or a cron
     * expression of 5 or 6 fields, optionally followed by a time zone
     * ({@code "0 9 * * MON-FRI Europe/Rome"}). The form is checked when the job is submitted.
     *
     * @param schedule the interval or cron expression
     */
    public JobOptions every(String schedule) {
        Objects.requireNonNull(schedule, "schedule == null");
        if (schedule.isBlank()) {
            throw new InvalidScheduleException("an interval must not be blank; use for example \"8s\", "
                    + "\"2h\", \"PT8S\" or a cron expression such as \"*/5 * * * *\"");
        }
        return new JobOptions(name, delay, schedule.strip());
    }

    /**
     * Repeats the job every {@code interval}.
     *
     * @param interval positive
     */
    public JobOptions every(Duration interval) {
        Objects.requireNonNull(interval, "interval == null");
        if (interval.isNegative() || interval.isZero()) {
            throw new InvalidScheduleException("an interval must be positive, got " + interval);
        }
        return new JobOptions(name, delay, interval.toString());
    }

    /** The job's name, if one was given. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The delay before the job (or its first run) runs; zero when none. */
    public Duration delay() {
        return delay;
    }

    /** The interval or cron expression of a repeating job, as given. */
    public Optional<String> every() {
        return Optional.ofNullable(every);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobOptions other
                && Objects.equals(name, other.name)
                && delay.equals(other.delay)
                && Objects.equals(every, other.every);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, delay, every);
    }

    @Override
    public String toString() {
        return "JobOptions{name=" + name + ", delay=" + delay + ", every=" + every + '}';
    }
}
