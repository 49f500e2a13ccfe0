package io.tasq.core.client;

import io.tasq.RecurringJob;
import io.tasq.RunResult;
import io.tasq.TasqFuture;
import io.tasq.core.internal.schedule.Schedule;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's handle of a repeating job it submitted: fans each run's result out to listeners
 * and to a {@link SubmissionPublisher} (which drops results for a subscriber too slow to keep up
 * rather than block the client). Thread-safe.
 */
final class RecurringHandle<R> implements RecurringJob<R> {

    private static final Logger LOG = LoggerFactory.getLogger(RecurringHandle.class);

    private volatile String jobId;
    private final String name;
    private final Schedule schedule;
    private final Clock clock;
    private final Function<String, TasqFuture<Boolean>> canceller;
    private final List<Consumer<RunResult<R>>> listeners = new CopyOnWriteArrayList<>();
    private final SubmissionPublisher<RunResult<R>> publisher = new SubmissionPublisher<>();
    private final AtomicLong runs = new AtomicLong();
    private volatile Instant nextRun;
    private volatile boolean cancelled;

    RecurringHandle(String jobId, String name, Schedule schedule, Instant firstRun, Clock clock,
            Function<String, TasqFuture<Boolean>> canceller) {
        this.jobId = jobId;
        this.name = name;
        this.schedule = schedule;
        this.clock = clock;
        this.canceller = canceller;
        this.nextRun = firstRun;
    }

    @Override
    public String jobId() {
        return jobId;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String schedule() {
        return schedule == null ? "" : schedule.canonical();
    }

    @Override
    public java.util.Optional<Instant> nextRun() {
        return java.util.Optional.ofNullable(nextRun);
    }

    @Override
    public long runs() {
        return runs.get();
    }

    @Override
    public void onRun(Consumer<RunResult<R>> listener) {
        listeners.add(listener);
    }

    @Override
    public Flow.Publisher<RunResult<R>> results() {
        return publisher;
    }

    void deliver(RunResult<R> result) {
        runs.incrementAndGet();
        if (jobId == null) {
            jobId = result.jobId(); // a watched job learns its id from its first run
        }
        if (schedule != null) {
            Instant after = result.finishedAt().isAfter(clock.instant()) ? result.finishedAt() : clock.instant();
            Instant next = schedule.nextAfter(after);
            nextRun = next.equals(Instant.MAX) ? null : next;
        }
        for (Consumer<RunResult<R>> l : listeners) {
            try {
                l.accept(result);
            } catch (RuntimeException e) {
                LOG.warn("a listener of repeating job {} failed on run {}", name, result.run(), e);
            }
        }
        publisher.offer(result, (subscriber, dropped) -> false);
    }

    @Override
    public TasqFuture<Boolean> cancel() {
        return canceller.apply(name);
    }

    void markCancelled() {
        cancelled = true;
        publisher.close();
    }

    void close() {
        publisher.close();
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "RecurringJob{name=" + name + ", schedule=" + schedule() + ", runs=" + runs + ", next=" + nextRun
                + (cancelled ? ", cancelled" : "") + "}";
    }
}
