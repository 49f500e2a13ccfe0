package io.tasq.core.worker;

import io.tasq.Job;
import io.tasq.NonRetryable;
import io.tasq.SerializationException;
import io.tasq.SignatureVerificationException;
import io.tasq.TasqException;
import io.tasq.core.internal.shipping.BundleCache;
import io.tasq.core.internal.wire.InvalidEnvelopeException;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.Serializer;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a checked job on the calling thread: loads its code bundle, deserializes it with the class
 * filter, calls it with the bundle's loader as context loader, and serializes what it returned.
 * Used by the actor worker and, inside each child JVM, by the process worker. Thread-safe.
 */
final class LocalExecution implements Execution {

    private static final Logger LOG = LoggerFactory.getLogger(LocalExecution.class);
    private static final byte[] EMPTY = new byte[0];

    private final String workerId;
    private final Serializer serializer;
    private final ClassLoader loader;
    private final ClassFilter classes;
    private final BundleCache bundles;
    private final Clock clock;
    private final Counters stats;

    /**
     * @param bundles the code bundles, or {@code null} to run only code on the class path
     */
    public LocalExecution(String workerId, Serializer serializer, ClassLoader loader, ClassFilter classes,
            BundleCache bundles, Clock clock, Counters stats) {
        this.workerId = workerId;
        this.serializer = serializer;
        this.loader = loader;
        this.classes = classes;
        this.bundles = bundles;
        this.clock = clock;
        this.stats = stats;
    }

    @Override
    public boolean bundleMatches(SignedJob job) {
        var env = job.job();
        if (env.bundle() == null || bundles == null) {
            return true; // no bundle, or shipped code is never read here
        }
        return bundles.holds(env.bundleHash()) || Execution.super.bundleMatches(job);
    }

    @Override
    public Ran run(SignedJob signed, int attempt, long run) {
        JobEnvelope env = signed.job();
        ClassLoader jobLoader = loader;
        ClassFilter jobClasses = classes;
        Job<?> job;
        try {
            if (env.bundle() != null && bundles != null) {
                BundleCache.Loaded bundle = bundles.load(env.bundleHash(), env.bundle());
                jobLoader = bundle.loader();
                jobClasses = bundle.filter();
            }
            // the serializer may resolve classes through the context loader: make it the job's
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(jobLoader);
            Object decoded;
            try {
                decoded = serializer.deserialize(env.payload(), jobLoader, jobClasses);
            } finally {
                thread.setContextClassLoader(previous);
            }
            if (!(decoded instanceof Job<?> j)) {
                throw new SerializationException("the payload is a " + (decoded == null ? "null"
                        : decoded.getClass().getName()) + ", not an io.tasq.Job");
            }
            job = j;
        } catch (SerializationException e) {
            return refused(env, attempt, run, new SerializationException("cannot decode job '" + env.name() + "': "
                    + e.getMessage(), e));
        } catch (SignatureVerificationException | InvalidEnvelopeException e) {
            return refused(env, attempt, run, e);
        }
        return execute(env, job, jobLoader, attempt, run);
    }

    private Ran execute(JobEnvelope env, Job<?> job, ClassLoader jobLoader, int attempt, long run) {
        stats.running.incrementAndGet();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(jobLoader);
        long start = System.nanoTime();
        Object value;
        try {
            LOG.debug("running job {} ({}) attempt {} for client {}", env.name(), env.jobId(), attempt, env.replyTo());
            value = job.call();
        } catch (Throwable t) {
            long took = System.nanoTime() - start;
            stats.failed.incrementAndGet();
            LOG.warn("job {} ({}) attempt {} failed: {}", env.name(), env.jobId(), attempt, t.toString());
            return new Ran(ResultEnvelope.failed(origin(env, attempt, run), clock.millis(), took,
                    RemoteErrors.encode(t)), null, retryable(t));
        } finally {
            thread.setContextClassLoader(previous);
            stats.running.decrementAndGet();
        }
        long took = System.nanoTime() - start;
        try {
            byte[] bytes = value == null ? EMPTY : serializer.serialize(value, jobLoader);
            stats.succeeded.incrementAndGet();
            return new Ran(ResultEnvelope.succeeded(origin(env, attempt, run), clock.millis(), took,
                    value == null ? "" : serializer.name(), bytes), null);
        } catch (SerializationException e) {
            stats.failed.incrementAndGet();
            return new Ran(ResultEnvelope.failed(origin(env, attempt, run), clock.millis(), took,
                    RemoteErrors.encode(new SerializationException("job '" + env.name()
                            + "' returned a value that cannot be serialized: " + e.getMessage()))), null);
        }
    }

    /** Whether the job may be retried after throwing {@code t}: not when it said so. */
    static boolean retryable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof NonRetryable) {
                return false;
            }
        }
        return true;
    }

    private ResultEnvelope.Origin origin(JobEnvelope env, int attempt, long run) {
        return ResultEnvelope.Origin.of(env, workerId, attempt, run);
    }

    private Ran refused(JobEnvelope env, int attempt, long run, TasqException why) {
        stats.rejected.incrementAndGet();
        LOG.warn("rejected job {} ({}) from client {}: {}", env.name(), env.jobId(), env.replyTo(), why.getMessage());
        byte[] payload = RemoteErrors.encode(why.getClass().getName(), why.getMessage());
        return new Ran(ResultEnvelope.rejected(origin(env, attempt, run), clock.millis(), payload), why.getMessage());
    }
}
