package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.spi.Signer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckStepTest {

    private final StepFixture fx = new StepFixture();
    private final CheckStep step = new CheckStep("w", StepFixture.signatures(), (job, attempt, run) -> null,
            JobCodec.DEFAULT_MAX_BYTES, fx.stats);

    @Test
    void aWellSignedJobIsDecodedAndPassedOn() {
        JobInFlight job = fx.fresh(StepFixture.envelope("j1", Map.of()), 1);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
        assertThat(job.env().jobId()).isEqualTo("j1");
        assertThat(StepFixture.delivery(job).settled).isEmpty();
    }

    @Test
    void bytesThatAreNoEnvelopeAreRefusedUnansweredAndCounted() {
        JobInFlight job = fx.fresh(fx.new RecordingDelivery(new byte[] {1, 2, 3}, 1, 0));
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(StepFixture.delivery(job).settled).singleElement().asString().startsWith("refuse: ");
        assertThat(fx.consumer.sent).isEmpty();
        assertThat(fx.stats.rejected.get()).isEqualTo(1);
    }

    @Test
    void aJobSignedWithAnotherKeyIsRefusedUnanswered() {
        Signer other = io.tasq.core.security.Signing.signer(io.tasq.spi.Settings.of(
                Map.of("sign.key", "another-key-0123456789abcdefghij"), "test")).orElseThrow();
        JobInFlight job = fx.fresh(fx.new RecordingDelivery(JobCodec.encode(StepFixture.envelope("j1", Map.of()),
                other), 1, 0));
        step.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(StepFixture.delivery(job).settled).singleElement().asString().startsWith("refuse: ");
        assertThat(fx.consumer.sent).isEmpty();
    }

    @Test
    void aJobWhoseBundleDoesNotMatchItsSignedHashIsRefused() {
        CheckStep strict = new CheckStep("w", StepFixture.signatures(), new Execution() {
            @Override
            public Ran run(io.tasq.core.internal.wire.SignedJob job, int attempt, long run) {
                return null;
            }

            @Override
            public boolean bundleMatches(io.tasq.core.internal.wire.SignedJob job) {
                return false;
            }
        }, JobCodec.DEFAULT_MAX_BYTES, fx.stats);
        JobInFlight job = fx.fresh(StepFixture.envelope("j1", Map.of()), 1);
        strict.apply(job, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(StepFixture.delivery(job).settled).singleElement().asString().contains("code bundle");
    }

    @Test
    void aRunNumberOnAJobThatDoesNotRepeatIsDropped() {
        JobEnvelope env = StepFixture.envelope("j1", Map.of());
        JobInFlight job = fx.fresh(fx.new RecordingDelivery(JobCodec.encode(env,
                io.tasq.core.security.Signing.signer(io.tasq.core.testkit.TestKeys.worker()).orElseThrow()), 2, 7));
        step.apply(job, fx.rest);
        assertThat(job.item().run()).isZero();
        assertThat(job.attempt()).isEqualTo(2);
        assertThat(job.run()).isEqualTo(1);
    }

    @Test
    void aHeldJobWasCheckedAlreadyAndPasses() {
        JobInFlight job = fx.held(StepFixture.envelope("j1", Map.of()), 2, 3);
        step.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }
}
