package io.tasq.core.worker;

import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.JobPolicy;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.spi.UniqueLocks;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs at most one job per unique key at a time. A job with a key takes it and goes on; when its
 * final result is sent, the key is released and that result is copied to every job that followed it.
 * A job whose key another job holds follows that job instead of running: it is acknowledged here and
 * gets the holder's result. If the key keeps changing hands, the job runs rather than be lost.
 */
record UniqueStep(UniqueLocks locks, ReplyPath replies) implements JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(UniqueStep.class);
    private static final long DEFAULT_TTL_MILLIS = Duration.ofHours(1).toMillis();
    private static final int TRIES = 5;

    @Override
    public void apply(JobInFlight job, Rest rest) {
        JobPolicy policy = job.policy();
        if (policy.uniqueKey() == null) {
            rest.proceed(job);
            return;
        }
        JobEnvelope env = job.env();
        if (follows(env, policy)) {
            job.outcome().ack();
            return;
        }
        job.whenFinal(result -> release(env, policy.uniqueKey(), result));
        rest.proceed(job);
    }

    /** Takes the key, or has the job follow the job holding it; true if it follows. */
    private boolean follows(JobEnvelope env, JobPolicy policy) {
        long ttl = policy.uniqueTtl() == null ? DEFAULT_TTL_MILLIS : policy.uniqueTtl().toMillis();
        for (int tries = 0; tries < TRIES; tries++) {
            Optional<String> holder = locks.acquire(policy.uniqueKey(), env.jobId(), ttl);
            if (holder.isEmpty()) {
                return false;
            }
            if (locks.follow(policy.uniqueKey(), holder.get(),
                    new UniqueLocks.Follower(env.jobId(), env.name(), env.replyTo()))) {
                LOG.debug("job {} ({}) follows {}, which holds unique key {}", env.name(), env.jobId(), holder.get(),
                        policy.uniqueKey());
                return true;
            }
        }
        return false;
    }

    private void release(JobEnvelope env, String key, ResultEnvelope result) {
        for (UniqueLocks.Follower f : locks.release(key, env.jobId())) {
            replies.copy(result.forJob(f.jobId(), f.name(), f.replyTo()));
        }
    }
}
