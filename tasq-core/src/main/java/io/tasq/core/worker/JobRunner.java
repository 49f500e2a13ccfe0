package io.tasq.core.worker;

import io.tasq.InvalidEnvelopeException;
import io.tasq.Job;
import io.tasq.SerializationException;
import io.tasq.SignatureVerificationException;
import io.tasq.TasqException;
import io.tasq.core.security.SignatureCheck;
import io.tasq.core.shipping.BundleCache;
import io.tasq.core.wire.JobCodec;
import io.tasq.core.wire.JobEnvelope;
import io.tasq.core.wire.RemoteErrors;
import io.tasq.core.wire.ResultEnvelope;
import io.tasq.core.wire.ResultStatus;
import io.tasq.core.wire.SignedJob;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.Serializer;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job actor does with a {@link WorkItem}: check the envelope (format, then signature, before
 * anything is deserialized), hold it if it is early, load its code bundle, deserialize and run it,
 * and hand the result to the response actor. A job refused at any step is reported to its sender
 * where the address can be read, and dead-lettered. Called by many actors at once; holds no state
 * of its own.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final byte[] EMPTY = new byte[0];

    /** What the runner needs from its worker. */
    record Context(String workerId, SignatureCheck signatures, Serializer serializer, ClassLoader loader,
            ClassFilter classes, BundleCache bundles, Clock clock, int maxBytes, boolean brokerDelays,
            WorkerStats stats, Consumer<Reply> replies, HeldJobs held, JobConsumer consumer) {
    }

    private final Context cx;

    JobRunner(Context context) {
        this.cx = context;
    }

    void handle(WorkItem item) {
        if (item.verified() != null) {
            run(item.verified(), item.attempt(), item.run(), Outcome.held(cx.consumer()));
            return;
        }
        Outcome outcome = Outcome.of(item.delivery(), cx.consumer());
        SignedJob job = checked(item, outcome);
        if (job == null) {
            return;
        }
        JobEnvelope env = job.job();
        if (env.repeating()) {
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome, new TasqException("job '" + env.name()
                    + "' repeats (" + env.schedule() + "), which this worker does not support yet"));
            return;
        }
        if (env.notBeforeMillis() > cx.clock().millis() && !cx.brokerDelays()) {
            // the transport does not hold delayed jobs: take it over and wait in the timer, not here
            item.delivery().ack();
            cx.stats().delayed.incrementAndGet();
            cx.held().hold(job, item.attempt(), env.notBeforeMillis());
            return;
        }
        run(job, item.attempt(), item.run(), outcome);
    }

    /** The envelope if it is well formed and well signed; otherwise it is reported, counted and refused. */
    private SignedJob checked(WorkItem item, Outcome outcome) {
        byte[] body = item.delivery().body();
        SignedJob job;
        try {
            job = JobCodec.decode(body, cx.maxBytes());
        } catch (InvalidEnvelopeException e) {
            JobCodec.Address a = JobCodec.peekAddress(body).orElse(null);
            if (a == null) {
                cx.stats().rejected.incrementAndGet();
                LOG.warn("rejected an envelope with no readable reply address: {}", e.getMessage());
                outcome.refuse(null, e.getMessage());
            } else {
                refuse(a.jobId(), a.name(), a.replyTo(), item, outcome, e);
            }
            return null;
        }
        try {
            cx.signatures().check(job);
        } catch (SignatureVerificationException e) {
            JobEnvelope env = job.job();
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome, e);
            return null;
        }
        return job;
    }

    private void refuse(String jobId, String name, String replyTo, WorkItem item, Outcome outcome, TasqException why) {
        cx.stats().rejected.incrementAndGet();
        LOG.warn("rejected job {} ({}) from client {}: {}", name, jobId, replyTo, why.getMessage());
        byte[] payload = RemoteErrors.encode(why.getClass().getName(), why.getMessage());
        ResultEnvelope result = new ResultEnvelope(jobId, name, replyTo, cx.workerId(), ResultStatus.REJECTED,
                item.attempt(), item.run(), cx.clock().millis(), 0, "", payload);
        cx.replies().accept(new Reply(result, outcome, why.getMessage()));
    }

    private void run(SignedJob signed, int attempt, long run, Outcome outcome) {
        JobEnvelope env = signed.job();
        WorkItem item = new WorkItem(null, signed, attempt, run);
        ClassLoader loader = cx.loader();
        ClassFilter classes = cx.classes();
        Job<?> job;
        try {
            if (env.bundle() != null && cx.bundles() != null) {
                BundleCache.Loaded bundle = cx.bundles().load(env.bundleHash(), env.bundle());
                loader = bundle.loader();
                classes = bundle.filter();
            }
            Object decoded = cx.serializer().deserialize(env.payload(), loader, classes);
            if (!(decoded instanceof Job<?> j)) {
                throw new SerializationException("the payload is a " + (decoded == null ? "null"
                        : decoded.getClass().getName()) + ", not an io.tasq.Job");
            }
            job = j;
        } catch (SerializationException e) {
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome,
                    new SerializationException("cannot decode job '" + env.name() + "': " + e.getMessage(), e));
            return;
        } catch (SignatureVerificationException | InvalidEnvelopeException e) {
            refuse(env.jobId(), env.name(), env.replyTo(), item, outcome, e);
            return;
        }
        execute(env, job, loader, attempt, run, outcome);
    }

    private void execute(JobEnvelope env, Job<?> job, ClassLoader loader, int attempt, long run, Outcome outcome) {
        cx.stats().running.incrementAndGet();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        long start = System.nanoTime();
        Object value;
        try {
            LOG.debug("running job {} ({}) attempt {} for client {}", env.name(), env.jobId(), attempt, env.replyTo());
            value = job.call();
        } catch (Throwable t) {
            long took = System.nanoTime() - start;
            cx.stats().failed.incrementAndGet();
            LOG.warn("job {} ({}) failed: {}", env.name(), env.jobId(), t.toString());
            reply(env, ResultStatus.FAILED, attempt, run, took, RemoteErrors.encode(t), "", outcome);
            return;
        } finally {
            thread.setContextClassLoader(previous);
            cx.stats().running.decrementAndGet();
        }
        long took = System.nanoTime() - start;
        byte[] bytes;
        try {
            bytes = value == null ? EMPTY : cx.serializer().serialize(value, loader);
        } catch (SerializationException e) {
            cx.stats().failed.incrementAndGet();
            reply(env, ResultStatus.FAILED, attempt, run, took, RemoteErrors.encode(new SerializationException(
                    "job '" + env.name() + "' returned a value that cannot be serialized: " + e.getMessage())), "",
                    outcome);
            return;
        }
        cx.stats().succeeded.incrementAndGet();
        reply(env, ResultStatus.OK, attempt, run, took, bytes, value == null ? "" : cx.serializer().name(), outcome);
    }

    private void reply(JobEnvelope env, ResultStatus status, int attempt, long run, long execNanos, byte[] payload,
            String serializerName, Outcome outcome) {
        ResultEnvelope result = new ResultEnvelope(env.jobId(), env.name(), env.replyTo(), cx.workerId(), status,
                attempt, run, cx.clock().millis(), execNanos, serializerName, payload);
        cx.replies().accept(new Reply(result, outcome, null));
    }
}
