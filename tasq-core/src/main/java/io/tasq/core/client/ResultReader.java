package io.tasq.core.client;

import io.tasq.JobCancelledException;
import io.tasq.JobFailedException;
import io.tasq.JobRejectedException;
import io.tasq.JobResult;
import io.tasq.JobTimeoutException;
import io.tasq.RemoteException;
import io.tasq.RunResult;
import io.tasq.SerializationException;
import io.tasq.TasqException;
import io.tasq.TasqFuture;
import io.tasq.core.wire.RemoteErrors;
import io.tasq.internal.FutureAccess;
import io.tasq.core.wire.ResultEnvelope;
import io.tasq.core.wire.ResultStatus;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.Serializer;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads result envelopes for a client: the value (deserialized with the client's loader) or the
 * failure (the remote error as the matching {@link TasqException}), and completes futures and
 * repeating jobs' handles with them. Thread-safe.
 */
final class ResultReader {

    private final Serializer serializer;
    private final ClassLoader loader;

    ResultReader(Serializer serializer, ClassLoader loader) {
        this.serializer = serializer;
        this.loader = loader;
    }

    /** A result's value or failure, read once for the future and the repeating job's listeners. */
    record Decoded(Object value, TasqException failure) {
    }

    Decoded decode(ResultEnvelope r) {
        try {
            return switch (r.status()) {
                case OK -> new Decoded(value(r), null);
                case FAILED -> new Decoded(null, new JobFailedException(r.jobId(), r.name(),
                        RemoteErrors.decode(r.payload())));
                case REJECTED -> {
                    RemoteException why = RemoteErrors.decode(r.payload());
                    yield new Decoded(null, new JobRejectedException(r.jobId(), why.remoteType(), "worker "
                            + r.workerId() + " rejected job '" + r.name() + "' (" + r.jobId() + "): " + why.getMessage()));
                }
                case TIMEOUT -> new Decoded(null, new JobTimeoutException(RemoteErrors.decode(r.payload()).getMessage()
                        + " (attempt " + r.attempt() + ")"));
                case CANCELLED -> new Decoded(null, new JobCancelledException("job '" + r.name() + "' ("
                        + r.jobId() + ") did not finish on worker " + r.workerId() + ": "
                        + RemoteErrors.decode(r.payload()).getMessage()));
                case RETRYING -> new Decoded(null, new JobFailedException(r.jobId(), r.name(),
                        RemoteErrors.decode(r.payload())));
            };
        } catch (RuntimeException e) {
            return new Decoded(null, e instanceof TasqException te ? te
                    : new TasqException("cannot read the result of job '" + r.name() + "': " + e, e));
        }
    }

    private Object value(ResultEnvelope r) {
        if (r.payload().length == 0 && r.serializer().isEmpty()) {
            return null;
        }
        if (!r.serializer().equals(serializer.name())) {
            throw new SerializationException("the result of job '" + r.name() + "' was written by serializer '"
                    + r.serializer() + "', this client reads '" + serializer.name() + "'");
        }
        // the client trusts the workers it sends to; Fory's list of known gadgets still applies
        return serializer.deserialize(r.payload(), loader, ClassFilter.ALLOW_ALL);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void deliverRun(RecurringHandle handle, ResultEnvelope r, Decoded d) {
        handle.deliver(new RunResult<>(r.jobId(), r.name(), r.run(), d.value(), d.failure(),
                Duration.ofNanos(r.execNanos()), r.workerId(), Instant.ofEpochMilli(r.finishedAtMillis())));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void complete(TasqFuture future, ResultEnvelope r, Decoded d) {
        Duration took = Duration.ofNanos(r.execNanos());
        if (d.failure() == null) {
            FutureAccess.get().completeResult(future, new JobResult<>(r.jobId(), r.name(), d.value(), took, r.attempt(), r.run(),
                    r.workerId(), Instant.ofEpochMilli(r.finishedAtMillis())));
        } else {
            FutureAccess.get().completeFailure(future, d.failure(), r.status() == ResultStatus.REJECTED ? null : took);
        }
    }
}
