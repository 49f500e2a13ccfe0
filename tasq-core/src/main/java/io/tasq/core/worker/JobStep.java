package io.tasq.core.worker;

/**
 * One policy on a job's way through the worker: checking, admitting, running under a time limit,
 * retrying, replying. A step does its part and either settles the job (and stops) or hands it on
 * with {@code rest.proceed(job)}. The worker lists its steps once, in order (in {@link Worker#start}):
 * a new policy is a new step in that list, not a branch in another step.
 *
 * <p>Steps are called by many actors at once, and a step after the run may be called from the
 * watchdog's timer thread: implementations are thread-safe and keep per-job state in the
 * {@link JobInFlight} only.
 */
interface JobStep {

    /** Handles {@code job}: settles it, or passes it on to {@code rest}. */
    void apply(JobInFlight job, Rest rest);

    /** The steps after this one. */
    interface Rest {

        /** Hands the job to the next step; does nothing after the last one. */
        void proceed(JobInFlight job);
    }
}
