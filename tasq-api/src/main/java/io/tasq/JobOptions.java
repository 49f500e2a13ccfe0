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
 * JobOptions.named("mail").retries(5).backoff(Duration.ofSeconds(2), Duration.ofMinutes(1))
 *         .timeout(Duration.ofSeconds(30)).unique("mail-42", Duration.ofMinutes(10)).ttl(Duration.ofHours(2));
 * }</pre>
 */
public final class JobOptions {

    /** The longest name a job may have, in characters. */
    public static final int MAX_NAME_LENGTH = 200;

    /** The backoff before the first retry, unless {@link #backoff} says otherwise. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    /** The longest backoff between retries, unless {@link #backoff} says otherwise. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);

    /**
     * How long a job stays valid after it is due (its delay run out), unless {@link #ttl} says
     * otherwise: workers refuse it after that, and refuse copies of it (replays) until then.
     */
    public static final Duration DEFAULT_TTL = Duration.ofDays(1);

    private static final JobOptions DEFAULTS = new JobOptions(null, Duration.ZERO, null, 0, DEFAULT_BACKOFF,
            DEFAULT_MAX_BACKOFF, null, null, null, null);

    private final String name;
    private final Duration delay;
    private final String every;
    private final int retries;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final Duration timeout;
    private final String uniqueKey;
    private final Duration uniqueTtl;
    private final Duration ttl;

    private JobOptions(String name, Duration delay, String every, int retries, Duration backoff, Duration maxBackoff,
            Duration timeout, String uniqueKey, Duration uniqueTtl, Duration ttl) {
        this.name = name;
        this.delay = delay;
        this.every = every;
        this.retries = retries;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.timeout = timeout;
        this.uniqueKey = uniqueKey;
        this.uniqueTtl = uniqueTtl;
        this.ttl = ttl;
    }

    private JobOptions copy(String name, Duration delay, String every) {
        return new JobOptions(name, delay, every, retries, backoff, maxBackoff, timeout, uniqueKey, uniqueTtl, ttl);
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
        return copy(name, delay, every);
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
        return copy(name, delay, every);
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
        return copy(name, delay, schedule.strip());
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
        return copy(name, delay, interval.toString());
    }

    /**
     * Retries a failed job up to {@code retries} more times, waiting an exponential backoff with
     * jitter between attempts ({@link #backoff}); the wait happens in the backend, not in a thread.
     * A job that throws a {@link DoNotRetry} exception (or one marked {@link NonRetryable}) is not
     * retried. A job whose retries are exhausted fails with its last error and lands in the queue's
     * dead letters.
     *
     * @param retries 0 (the default: no retry) to 1000
     */
    public JobOptions retries(int retries) {
        if (retries < 0 || retries > 1000) {
            throw new IllegalArgumentException("retries must be 0 to 1000, got " + retries);
        }
        return new JobOptions(name, delay, every, retries, backoff, maxBackoff, timeout, uniqueKey, uniqueTtl, ttl);
    }

    /**
     * The backoff between retries: {@code initial} before the first, doubling each time up to
     * {@code max}, each wait cut by a random jitter of up to half. Default 1 s up to 5 min.
     */
    public JobOptions backoff(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial == null");
        Objects.requireNonNull(max, "max == null");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        return new JobOptions(name, delay, every, retries, initial, max, timeout, uniqueKey, uniqueTtl, ttl);
    }

    /**
     * Limits how long the job may run. Over its limit the job is interrupted and its future fails with
     * {@link JobTimeoutException}; a job that ignores the interrupt gives up its slot anyway (on a
     * process worker its child JVM is killed and replaced). A timed-out job is retried like a failed
     * one if it has retries left.
     */
    public JobOptions timeout(Duration limit) {
        Objects.requireNonNull(limit, "limit == null");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a timeout must be positive, got " + limit);
        }
        return new JobOptions(name, delay, every, retries, backoff, maxBackoff, limit, uniqueKey, uniqueTtl, ttl);
    }

    /**
     * Makes the job unique by {@code key}: while a job with this key is pending, another submitted
     * with it does not run, and its future completes with the first one's result. Across clients on
     * Redis and RabbitMQ; per worker on the brokerless backend. The key is released when the job
     * finishes, or after {@code ttl} at the latest.
     */
    public JobOptions unique(String key, Duration ttl) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(ttl, "ttl == null");
        if (key.isBlank() || key.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a unique key must have 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a unique key's ttl must be positive, got " + ttl);
        }
        return new JobOptions(name, delay, every, retries, backoff, maxBackoff, timeout, key, ttl, this.ttl);
    }

    /**
     * How long the job stays valid once it is due (submitted, plus its delay). A worker refuses it
     * after that (it lands in the dead letters, its future keeps waiting) and, until then, refuses
     * any copy of it that is sent again: a captured job cannot be replayed. The job's retries are
     * added on top (each at its longest backoff), so a retry never expires before it ran. Repeating
     * jobs: it bounds the first arrival, not the runs. Default {@link #DEFAULT_TTL}.
     *
     * @param ttl positive
     */
    public JobOptions ttl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl == null");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a ttl must be positive, got " + ttl);
        }
        return new JobOptions(name, delay, every, retries, backoff, maxBackoff, timeout, uniqueKey, uniqueTtl, ttl);
    }

    /** How long the job stays valid once due; {@link #DEFAULT_TTL} unless set. */
    public Duration ttl() {
        return ttl == null ? DEFAULT_TTL : ttl;
    }

    /**
     * When a job submitted at {@code nowMillis} with these options stops being valid: due time plus
     * {@link #ttl()}, plus each retry at its longest backoff and time limit.
     */
    public long expiresAtMillis(long nowMillis) {
        long due = nowMillis + delay.toMillis();
        long perRetry = maxBackoff.toMillis() + (timeout == null ? 0 : timeout.toMillis());
        long retryTime = retries * perRetry;
        return saturatedAdd(saturatedAdd(due, ttl().toMillis()), retryTime);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** How many times a failed job is retried; 0 by default. */
    public int retries() {
        return retries;
    }

    /** The backoff before the first retry. */
    public Duration backoff() {
        return backoff;
    }

    /** The longest backoff between retries. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The job's time limit, if it has one. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** The job's unique key, if it has one. */
    public Optional<String> uniqueKey() {
        return Optional.ofNullable(uniqueKey);
    }

    /** How long the unique key is held at most. */
    public Optional<Duration> uniqueTtl() {
        return Optional.ofNullable(uniqueTtl);
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
                && Objects.equals(every, other.every)
                && retries == other.retries
                && backoff.equals(other.backoff)
                && maxBackoff.equals(other.maxBackoff)
                && Objects.equals(timeout, other.timeout)
                && Objects.equals(uniqueKey, other.uniqueKey)
                && Objects.equals(uniqueTtl, other.uniqueTtl)
                && Objects.equals(ttl, other.ttl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, delay, every, retries, backoff, maxBackoff, timeout, uniqueKey, uniqueTtl, ttl);
    }

    @Override
    public String toString() {
        return "JobOptions{name=" + name + ", delay=" + delay + ", every=" + every + ", retries=" + retries
                + ", backoff=" + backoff + ".." + maxBackoff + ", timeout=" + timeout + ", unique=" + uniqueKey
                + (uniqueTtl == null ? "" : "/" + uniqueTtl) + (ttl == null ? "" : ", ttl=" + ttl) + '}';
    }
}
