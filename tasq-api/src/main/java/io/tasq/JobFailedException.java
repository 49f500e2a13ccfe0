package io.tasq;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * A job threw an exception on its worker. {@link #remote()} (also the {@link #getCause() cause})
 * carries the remote class name, message and full stack trace, causes included.
 *
 * <p>Whether it is retryable depends on the job; Tasq reports it as not retryable, the job's own
 * retry options decide whether a worker tries again. Instances are immutable.
 */
public class JobFailedException extends TasqException {
    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final String jobName;

    /**
     * @param jobId the id of the job that failed
     * @param jobName its name
     * @param remote what the job threw, as seen from the client
     */
    public JobFailedException(String jobId, String jobName, RemoteException remote) {
        super("job '" + jobName + "' (" + jobId + ") failed on its worker: " + remote, remote, false);
        this.jobId = Objects.requireNonNull(jobId, "jobId == null");
        this.jobName = Objects.requireNonNull(jobName, "jobName == null");
    }

    /** The id of the job that failed. */
    public String jobId() {
        return jobId;
    }

    /** The name of the job that failed. */
    public String jobName() {
        return jobName;
    }

    /** The exception the job threw, with its remote class, message and stack trace. */
    public RemoteException remote() {
        return (RemoteException) getCause();
    }

    /** The fully qualified class name of the exception the job threw. */
    public String remoteType() {
        return remote().remoteType();
    }

    /** The message of the exception the job threw, may be {@code null}. */
    public String remoteMessage() {
        return remote().getMessage();
    }

    /** The remote stack trace as text, as the worker would have printed it, causes included. */
    public String remoteStackTrace() {
        StringWriter out = new StringWriter();
        remote().printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
