package io.tasq.core.worker;

/**
 * Sends a job whose retries are spent, or that said not to retry it, to the dead letters, where an
 * operator can see it and send it back: its failed result still goes to its client, with the reason
 * it was dead-lettered. A job without retries that fails is only answered.
 */
record DeadLetterStep(Admission admission, Counters stats) implements JobStep {

    @Override
    public void apply(JobInFlight job, Rest rest) {
        if (job.failed() && job.policy().retries() > 0) {
            stats.deadLettered.incrementAndGet();
            admission.deadLettered(job.env());
            int attempt = job.attempt();
            Execution.Ran ran = job.ran();
            job.ran(new Execution.Ran(ran.result(), "failed after " + attempt + " attempt" + (attempt == 1 ? "" : "s")
                    + (ran.retryable() ? "" : " (the job said not to retry)"), ran.retryable()));
        }
        rest.proceed(job);
    }
}
