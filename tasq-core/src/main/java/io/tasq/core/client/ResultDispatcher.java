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
import io.tasq.core.internal.wire.InvalidEnvelopeException;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.internal.FutureAccess;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.ResultListener;
import io.tasq.spi.Serializer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the result envelopes addressed to a client off the backend's receive loop and, on the
 * client's one completion thread, reads each (the value, deserialized with the client's loader, or
 * the remote error as the matching {@link TasqException}) and hands it on: a retried attempt to its
 * pending future, a run of a repeating job to its handle, a final result to the pending future it
 * completes. Results for nothing pending here (duplicates, late ones) and malformed envelopes are
 * dropped. Not to be confused with the Redis backend's reader of its result streams.
 *
 * <p>Thread-safe.
 */
final class ResultDispatcher implements ResultListener {

    private static final Logger LOG = LoggerFactory.getLogger(ResultDispatcher.class);
    private static final FutureAccess FUTURES = FutureAccess.get();

    private final String clientId;
    private final Serializer serializer;
    private final ClassLoader loader;
    private final int maxBytes;
    private final PendingJobs pending;
    private final RecurringHandles recurring;
    private final ExecutorService completions;

    ResultDispatcher(String clientId, Serializer serializer, ClassLoader loader, int maxBytes, PendingJobs pending,
            RecurringHandles recurring) {
        this.clientId = clientId;
        this.serializer = serializer;
        this.loader = loader;
        this.maxBytes = maxBytes;
        this.pending = pending;
        this.recurring = recurring;
        this.completions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tasq-client-" + clientId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Called on a backend thread: the result is handled on the completion thread. */
    @Override
    public void onResult(byte[] body) {
        try {
            completions.execute(() -> dispatch(body));
        } catch (RejectedExecutionException e) {
            LOG.debug("client {} is closed; a late result is dropped", clientId);
        }
    }

    /** Stops taking results and waits up to 5 s for the ones taken to be handled. */
    void close() {
        completions.shutdown();
        try {
            completions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one result and hands it on; runs on the completion thread (or a test's). */
    void dispatch(byte[] body) {
        ResultEnvelope r;
        try {
            r = ResultCodec.decode(body, maxBytes);
        } catch (InvalidEnvelopeException e) {
            LOG.warn("client {} received a malformed result and dropped it: {}", clientId, e.getMessage());
            return;
        }
        Decoded d = decode(r);
        if (r.status() == ResultStatus.RETRYING) {
            PendingJobs.Entry retrying = pending.get(r.jobId());
            if (retrying != null) {
                FUTURES.attemptFailed(retrying.future, r.attempt(), d.failure());
            }
            return;
        }
        RecurringHandle<?> handle = recurring.forResult(r.jobId(), r.name(), r.run());
        if (handle != null) {
            deliverRun(handle, r, d);
        }
        PendingJobs.Entry entry = pending.get(r.jobId());
        if (entry == null) {
            if (handle == null) {
                LOG.debug("client {}: result for job {}, which is not pending here (a duplicate or late result)",
                        clientId, r.jobId());
            }
            return;
        }
        complete(entry.future, r, d);
    }

    /** A result's value or failure, read once for the future and the repeating job's listeners. */
    private record Decoded(Object value, TasqException failure) {
    }

    private Decoded decode(ResultEnvelope r) {
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
    private static void deliverRun(RecurringHandle handle, ResultEnvelope r, Decoded d) {
        handle.deliver(new RunResult<>(r.jobId(), r.name(), r.run(), d.value(), d.failure(),
                Duration.ofNanos(r.execNanos()), r.workerId(), Instant.ofEpochMilli(r.finishedAtMillis())));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void complete(TasqFuture future, ResultEnvelope r, Decoded d) {
        Duration took = Duration.ofNanos(r.execNanos());
        if (d.failure() == null) {
            FUTURES.completeResult(future, new JobResult<>(r.jobId(), r.name(), d.value(), took, r.attempt(), r.run(),
                    r.workerId(), Instant.ofEpochMilli(r.finishedAtMillis())));
        } else {
            FUTURES.completeFailure(future, d.failure(), r.status() == ResultStatus.REJECTED ? null : took);
        }
    }
}
