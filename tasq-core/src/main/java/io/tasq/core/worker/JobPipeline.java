package io.tasq.core.worker;

import io.tasq.spi.JobConsumer;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job actor does with a {@link WorkItem}: hands it, as a {@link JobInFlight}, through the
 * worker's steps in order, each of which settles it or passes it on. A bug in a step must not leave
 * a delivery unsettled (a lost slot, a client waiting forever): it is logged, and the delivery
 * refused. Called by many actors at once.
 */
final class JobPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(JobPipeline.class);

    private final String workerId;
    private final List<JobStep> steps;
    private final JobConsumer consumer;
    private final HeldJobs held;

    /**
     * @param steps the steps, in the order a job meets them
     * @param consumer and {@code held}: how a job the worker holds itself is settled
     */
    JobPipeline(String workerId, List<JobStep> steps, JobConsumer consumer, HeldJobs held) {
        this.workerId = workerId;
        this.steps = List.copyOf(steps);
        this.consumer = Objects.requireNonNull(consumer, "consumer == null");
        this.held = held;
    }

    /** Takes one work item through the steps. */
    void handle(WorkItem item) {
        try {
            Outcome outcome = item.verified() != null ? Outcome.held(consumer, held, item.verified(), item.attempt())
                    : Outcome.of(item.delivery(), consumer, held);
            new Next(0).proceed(new JobInFlight(item, outcome));
        } catch (RuntimeException | Error e) {
            LOG.error("worker {} failed on a job; refusing it", workerId, e);
            if (item.delivery() != null) {
                Outcome.of(item.delivery(), consumer, held).refuseUnverified("internal error: " + e);
            }
        }
    }

    /** The steps from {@code index} on. */
    private final class Next implements JobStep.Rest {
        private final int index;

        Next(int index) {
            this.index = index;
        }

        @Override
        public void proceed(JobInFlight job) {
            if (index < steps.size()) {
                steps.get(index).apply(job, new Next(index + 1));
            }
        }
    }
}
