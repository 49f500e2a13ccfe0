package io.tasq.core.worker;

import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.core.security.SignatureCheck;
import io.tasq.core.security.Signing;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.ResultMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the step tests share: signed jobs, a delivery and a consumer that record how a job was settled
 * and what was sent, a reply path that sends on the caller's thread, and a rest of the pipeline that
 * records whether the step passed the job on.
 */
final class StepFixture {

    static final long NOW = 1_000_000;
    static final String QUEUE = "orders";

    final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    final Counters stats = new Counters();
    final RecordingConsumer consumer = new RecordingConsumer();
    final ReplyPath replies = new ReplyPath("w", consumer, stats);
    final HeldJobs held = new HeldJobs("w", clock, item -> { });
    final Admission admission = new Admission("w", QUEUE, clock, new ReplayMemory(100), Optional.empty());
    final Rest rest = new Rest();

    static JobEnvelope envelope(String id, Map<String, String> options) {
        return new JobEnvelope(id, "job-" + id, "client-1", NOW, 0, "", options, "fory", new byte[] {1})
                .forQueue(QUEUE, NOW + 60_000);
    }

    static SignedJob signed(JobEnvelope env) {
        byte[] bytes = JobCodec.encode(env, Signing.signer(TestKeys.worker()).orElseThrow());
        return JobCodec.decode(bytes, JobCodec.DEFAULT_MAX_BYTES);
    }

    static SignatureCheck signatures() {
        return Signing.check(TestKeys.worker(), false);
    }

    /** A fresh delivery of {@code env}, as the worker receives it. */
    JobInFlight fresh(JobEnvelope env, int attempt) {
        RecordingDelivery d = new RecordingDelivery(JobCodec.encode(env, Signing.signer(TestKeys.worker())
                .orElseThrow()), attempt, 0);
        return fresh(d);
    }

    JobInFlight fresh(RecordingDelivery d) {
        return new JobInFlight(WorkItem.fresh(d), Outcome.of(d, consumer, held));
    }

    /** A fresh delivery of {@code env} that passed the check step. */
    JobInFlight checked(JobEnvelope env, int attempt) {
        JobInFlight job = fresh(env, attempt);
        job.job(signed(env));
        return job;
    }

    /** A job the worker checked and held, now due. */
    JobInFlight held(JobEnvelope env, int attempt, long run) {
        SignedJob s = signed(env);
        return new JobInFlight(WorkItem.held(s, attempt, run), Outcome.held(consumer, held, s, attempt));
    }

    static RecordingDelivery delivery(JobInFlight job) {
        return (RecordingDelivery) job.item().delivery();
    }

    /** The results published or completed, decoded, in order. */
    List<ResultEnvelope> sent() {
        return consumer.sent.stream().map(m -> ResultCodec.decode(m.body(), 1 << 20)).toList();
    }

    /** The rest of the pipeline: records the jobs passed on. */
    static final class Rest implements JobStep.Rest {
        final List<JobInFlight> passed = new CopyOnWriteArrayList<>();

        @Override
        public void proceed(JobInFlight job) {
            passed.add(job);
        }

        boolean called() {
            return !passed.isEmpty();
        }
    }

    /** A consumer that keeps what it was asked to publish and to dead-letter. */
    static class RecordingConsumer implements JobConsumer {
        final List<ResultMessage> sent = new CopyOnWriteArrayList<>();
        final List<String> deadLetters = new CopyOnWriteArrayList<>();

        @Override
        public String describe() {
            return "recording://";
        }

        @Override
        public void start(JobListener listener) {
        }

        @Override
        public void publish(ResultMessage result) {
            sent.add(result);
        }

        @Override
        public void deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts) {
            deadLetters.add(jobId + ": " + reason);
        }

        @Override
        public void pause() {
        }

        @Override
        public void close() {
        }
    }

    /** A delivery that remembers how it was settled; its results go to the consumer's list. */
    final class RecordingDelivery implements Delivery {
        final byte[] body;
        final int attempt;
        final long run;
        final List<String> settled = new CopyOnWriteArrayList<>();
        final AtomicInteger completed = new AtomicInteger();
        boolean backendHolds;
        volatile long retryAt;

        RecordingDelivery(byte[] body, int attempt, long run) {
            this.body = body;
            this.attempt = attempt;
            this.run = run;
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public long run() {
            return run;
        }

        @Override
        public boolean retry(long notBeforeMillis) {
            retryAt = notBeforeMillis;
            settled.add("retry");
            return backendHolds;
        }

        @Override
        public boolean defer(long notBeforeMillis) {
            settled.add("defer");
            return backendHolds;
        }

        @Override
        public void complete(ResultMessage result) {
            consumer.sent.add(result);
            settled.add("complete");
        }

        @Override
        public void ack() {
            settled.add("ack");
        }

        @Override
        public void release() {
            settled.add("release");
        }

        @Override
        public void reject(String reason) {
            settled.add("reject: " + reason);
        }

        @Override
        public void refuse(String reason) {
            settled.add("refuse: " + reason);
        }
    }
}
