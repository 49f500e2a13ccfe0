package io.tasq.core.worker;

import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.JobPolicy;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a failed run while the job has retries left and did not say not to ({@link io.tasq.NonRetryable},
 * such as {@link io.tasq.DoNotRetry}): its client gets a retry notice, and the job is delivered again
 * after its backoff ({@link #backoffMillis}), by the backend or, if it cannot hold it, by this worker.
 * Any other run is passed on. The jitter's {@code random} is uniform in [0, 1).
 */
record RetryStep(Clock clock, DoubleSupplier random, Admission admission, ReplyPath replies, Counters stats)
        implements JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(RetryStep.class);

    RetryStep(Clock clock, Admission admission, ReplyPath replies, Counters stats) {
        this(clock, () -> ThreadLocalRandom.current().nextDouble(), admission, replies, stats);
    }

    @Override
    public void apply(JobInFlight job, Rest rest) {
        JobPolicy policy = job.policy();
        int attempt = job.attempt();
        if (!job.failed() || !job.ran().retryable() || attempt > policy.retries()) {
            rest.proceed(job);
            return;
        }
        JobEnvelope env = job.env();
        long wait = backoffMillis(policy, attempt, random.getAsDouble());
        long at = clock.millis() + wait;
        stats.retried.incrementAndGet();
        LOG.info("job {} ({}) attempt {} failed; retry {} of {} in {} ms", env.name(), env.jobId(), attempt,
                attempt, policy.retries(), wait);
        replies.retrying(job.ran().result().retrying(), () -> {
            if (job.outcome().retry(at, job.job(), attempt + 1, job.run())) {
                admission.handedBack(env);
            }
        });
    }

    /**
     * The wait before retrying after failed attempt {@code attempt}: {@code backoff * 2^(attempt-1)}
     * capped at {@code maxBackoff}, then the jitter takes off up to half of it: {@code capped * (0.5 +
     * 0.5 * random)}, at least 1 ms.
     *
     * @param random uniform in [0, 1)
     */
    static long backoffMillis(JobPolicy policy, int attempt, double random) {
        double base = policy.backoff().toMillis() * Math.pow(2, Math.max(0, Math.min(attempt - 1, 30)));
        double capped = Math.min(base, policy.maxBackoff().toMillis());
        return Math.max(1, Math.round(capped * (0.5 + 0.5 * random)));
    }
}
