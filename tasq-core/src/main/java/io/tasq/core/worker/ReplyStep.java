package io.tasq.core.worker;

/**
 * The last step: sends the job's final result through the {@link ReplyPath} and settles the job, as
 * done, or as refused to the dead letters when an earlier step gave a reason; then runs what waited
 * for the final result (a unique key's release).
 */
record ReplyStep(ReplyPath replies) implements JobStep {

    @Override
    public void apply(JobInFlight job, Rest rest) {
        Execution.Ran ran = job.ran();
        if (ran.refusal() == null) {
            replies.done(ran.result(), job.outcome());
        } else {
            replies.refused(ran.result(), job.outcome(), ran.refusal());
        }
        job.finished(ran.result());
        rest.proceed(job);
    }
}
