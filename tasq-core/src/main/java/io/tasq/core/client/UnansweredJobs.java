package io.tasq.core.client;

import io.tasq.JobUnansweredException;
import io.tasq.TasqFuture;
import io.tasq.internal.FutureAccess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a client's jobs for an answer that may never come (no worker is up, or a worker refused
 * the job without a word): warns once about a caller that has waited {@code client.unanswered-warning}
 * without a timeout, and fails a job unanswered after {@code client.job-timeout}, when one is set.
 *
 * <p>Thread-safe.
 */
final class UnansweredJobs {

    private static final Logger LOG = LoggerFactory.getLogger(UnansweredJobs.class);
    private static final FutureAccess FUTURES = FutureAccess.get();

    static final String NO_ANSWER = "no worker may be up, or a worker refused it without a word (a worker "
            + "never answers a job it cannot verify: unsigned, signed with a key it does not trust, expired, or for "
            + "another queue; see its log and the queue's dead letters)";

    private final String clientId;
    private final Duration warning;
    private final Duration jobTimeout;

    /** @param jobTimeout how long a job may go unanswered before its future fails; null for no limit */
    UnansweredJobs(String clientId, Duration warning, Duration jobTimeout) {
        this.clientId = clientId;
        this.warning = warning;
        this.jobTimeout = jobTimeout;
    }

    /** Starts watching a job the client has just taken. */
    void watch(TasqFuture<?> future) {
        FUTURES.warnWhenUnanswered(future, warning, this::warn);
        if (jobTimeout != null) {
            CompletableFuture.delayedExecutor(jobTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!future.isDone()) {
                    FUTURES.completeFailure(future, new JobUnansweredException("no answer for job '" + future.name()
                            + "' (" + future.jobId() + ") within client.job-timeout of " + jobTimeout + " ("
                            + future.attempts() + " attempt(s) reported): " + NO_ANSWER + "; it may still run"), null);
                }
            });
        }
    }

    private void warn(TasqFuture<?> future) {
        LOG.warn("client {}: a caller has waited {} without a timeout for job '{}' ({}), which has no answer yet: {}; "
                + "wait with a timeout (unwrap(Duration)) or set client.job-timeout", clientId, warning,
                future.name(), future.jobId(), NO_ANSWER);
    }
}
