package io.tasq.core.worker;

import io.tasq.InvalidEnvelopeException;
import io.tasq.Job;
import io.tasq.SerializationException;
import io.tasq.SignatureVerificationException;
import io.tasq.TasqException;
import io.tasq.core.security.SignatureCheck;
import io.tasq.core.wire.JobCodec;
import io.tasq.core.wire.JobEnvelope;
import io.tasq.core.wire.RemoteErrors;
import io.tasq.core.wire.ResultEnvelope;
import io.tasq.core.wire.ResultStatus;
import io.tasq.core.wire.SignedJob;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.Serializer;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job actor does with a {@link WorkItem}: check the envelope (format, then signature, before
 * any deserialization), hold it if it is early, else deserialize and run it, and hand the result
 * to the response actor. Stateless apart from its collaborators; called by many actors at once.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final byte[] EMPTY = new byte[0];

    private final String workerId;
    private final SignatureCheck signatures;
    private final Serializer serializer;
    private final ClassLoader loader;
    private final ClassFilter classes;
    private final Clock clock;
    private final int maxBytes;
    private final boolean brokerDelays;
    private final WorkerStats stats;
    private final Consumer<Reply> replies;
    private final HeldJobs held;
    private final Outcome heldOutcome;

    JobRunner(String workerId, SignatureCheck signatures, Serializer serializer, ClassLoader loader,
            ClassFilter classes, Clock clock, int maxBytes, boolean brokerDelays, WorkerStats stats,
            Consumer<Reply> replies, HeldJobs held, Outcome heldOutcome) {
        this.workerId = workerId;
        this.signatures = signatures;
        this.serializer = serializer;
        this.loader = loader;
        this.classes = classes;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.brokerDelays = brokerDelays;
        this.stats = stats;
        this.replies = replies;
        this.held = held;
        this.heldOutcome = heldOutcome;
    }

    void handle(WorkItem item) {
        if (item.verified() != null) {
            run(item.verified(), item.attempt(), item.run(), heldOutcome);
            return;
        }
        Outcome outcome = Outcome.of(item.delivery());
        SignedJob job = checked(item);
        if (job == null) {
            return;
        }
        JobEnvelope env = job.job();
        long early = env.notBeforeMillis() - clock.millis();
        if (early > 0 && !brokerDelays) {
            // the transport does not hold delayed jobs: take it over and wait in the timer, not here
            item.delivery().ack();
            stats.delayed.incrementAndGet();
            held.hold(job, item.attempt(), env.notBeforeMillis());
            return;
        }
        run(job, item.attempt(), item.run(), outcome);
    }

    /** The envelope if it is well formed and well signed; else reports, counts and refuses it. */
    private SignedJob checked(WorkItem item) {
        byte[] body = item.delivery().body();
        SignedJob job;
        try {
            job = JobCodec.decode(body, maxBytes);
        } catch (InvalidEnvelopeException e) {
            reject(item, JobCodec.peekAddress(body).orElse(null), e);
            return null;
        }
        try {
            signatures.check(job);
        } catch (SignatureVerificationException e) {
            JobEnvelope env = job.job();
            reject(item, new JobCodec.Address(env.jobId(), env.name(), env.replyTo()), e);
            return null;
        }
        return job;
    }

    private void reject(WorkItem item, JobCodec.Address address, TasqException reason) {
        stats.rejected.incrementAndGet();
        LOG.warn("rejected an envelope{}: {}", address == null ? " with no readable reply address"
                : " for job " + address.jobId() + " from client " + address.replyTo(), reason.getMessage());
        Outcome outcome = Outcome.of(item.delivery());
        if (address == null) {
            outcome.refuse(reason.getMessage());
            return;
        }
        byte[] payload = RemoteErrors.encode(reason.getClass().getName(), reason.getMessage());
        ResultEnvelope result = new ResultEnvelope(address.jobId(), address.name(), address.replyTo(), workerId,
                ResultStatus.REJECTED, item.attempt(), item.run(), clock.millis(), 0, "", payload);
        replies.accept(new Reply(result, new Outcome() {
            @Override
            public void send(io.tasq.spi.ResultMessage message) {
                // the sender hears why, and the envelope goes to the dead letters, never redelivered
                heldOutcome.send(message);
                item.delivery().reject(reason.getMessage());
            }

            @Override
            public void refuse(String why) {
                item.delivery().reject(why);
            }
        }));
    }

    void run(SignedJob signed, int attempt, long run, Outcome outcome) {
        JobEnvelope env = signed.job();
        Job<?> job;
        try {
            Object decoded = serializer.deserialize(env.payload(), loader, classes);
            if (!(decoded instanceof Job<?> j)) {
                throw new SerializationException("the payload is a " + (decoded == null ? "null"
                        : decoded.getClass().getName()) + ", not an io.tasq.Job");
            }
            job = j;
        } catch (SerializationException e) {
            stats.rejected.incrementAndGet();
            LOG.warn("rejected job {} ({}) from client {}: {}", env.name(), env.jobId(), env.replyTo(), e.getMessage());
            reply(env, ResultStatus.REJECTED, attempt, run, 0, RemoteErrors.encode(e.getClass().getName(),
                    "cannot decode job '" + env.name() + "': " + e.getMessage()), "", outcome);
            return;
        }
        stats.running.incrementAndGet();
        long start = System.nanoTime();
        Object value;
        try {
            LOG.debug("running job {} ({}) attempt {} for client {}", env.name(), env.jobId(), attempt, env.replyTo());
            value = job.call();
        } catch (Throwable t) {
            long took = System.nanoTime() - start;
            stats.running.decrementAndGet();
            stats.failed.incrementAndGet();
            LOG.warn("job {} ({}) failed: {}", env.name(), env.jobId(), t.toString());
            reply(env, ResultStatus.FAILED, attempt, run, took, RemoteErrors.encode(t), "", outcome);
            return;
        }
        long took = System.nanoTime() - start;
        stats.running.decrementAndGet();
        byte[] bytes;
        try {
            bytes = value == null ? EMPTY : serializer.serialize(value);
        } catch (SerializationException e) {
            stats.failed.incrementAndGet();
            reply(env, ResultStatus.FAILED, attempt, run, took, RemoteErrors.encode(new SerializationException(
                    "job '" + env.name() + "' returned a value that cannot be serialized: " + e.getMessage())), "",
                    outcome);
            return;
        }
        stats.succeeded.incrementAndGet();
        reply(env, ResultStatus.OK, attempt, run, took, bytes, value == null ? "" : serializer.name(), outcome);
    }

    private void reply(JobEnvelope env, ResultStatus status, int attempt, long run, long execNanos, byte[] payload,
            String serializerName, Outcome outcome) {
        ResultEnvelope result = new ResultEnvelope(env.jobId(), env.name(), env.replyTo(), workerId, status, attempt,
                run, clock.millis(), execNanos, serializerName, payload);
        replies.accept(new Reply(result, outcome));
    }
}
