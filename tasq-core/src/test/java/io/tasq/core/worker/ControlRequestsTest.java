package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.schedule.MemoryScheduleStore;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.core.internal.wire.Control;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.security.Signing;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Providers;
import io.tasq.spi.Recurring;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlRequestsTest {

    private final StepFixture fx = new StepFixture();
    private final Serializer serializer = Providers.serializer("fory").create(Settings.empty());
    private final MemoryScheduleStore store = new MemoryScheduleStore(r -> { });
    private final Cancellations cancellations = new Cancellations("w", fx.clock, fx.held,
            (job, attempt, run) -> null, fx.consumer, fx.replies, fx.stats);
    private final ControlRequests control = new ControlRequests("w", StepFixture.signatures(),
            JobCodec.DEFAULT_MAX_BYTES, fx.clock, store, serializer, cancellations, fx.admission, fx.replies,
            fx.stats);

    private Object answer(ResultEnvelope r) {
        return serializer.deserialize(r.payload(), getClass().getClassLoader(), ClassPolicy.parse("io.tasq.**"));
    }

    @Test
    void aJobIsNotARequestAndPasses() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        control.apply(job, fx.rest);
        assertThat(fx.rest.passed).containsExactly(job);
    }

    @Test
    void aCancelRequestIsRememberedAndAnsweredWithWhetherTheJobWasFound() {
        JobInFlight request = fx.checked(StepFixture.envelope("c1", Control.cancelJob("j9")), 1);
        control.apply(request, fx.rest);
        assertThat(fx.rest.called()).isFalse();
        assertThat(cancellations.isCancelled("j9")).isTrue();
        ResultEnvelope r = fx.sent().get(0);
        assertThat(r.status()).isEqualTo(ResultStatus.OK);
        assertThat(r.jobId()).isEqualTo("c1");
        assertThat(r.serializer()).isEqualTo(serializer.name());
        assertThat(answer(r)).isEqualTo(false); // neither held nor running here
        assertThat(StepFixture.delivery(request).settled).containsExactly("complete");
    }

    @Test
    void theRepeatingJobsAreListedAndOneCanBeCancelledByName() {
        byte[] env = JobCodec.encode(new JobEnvelope("r1", "nightly", "client-1", StepFixture.NOW, 0, "1h",
                Map.of(), "fory", new byte[0]), Signing.signer(TestKeys.worker()).orElseThrow());
        store.add(new Recurring("nightly", "r1", "client-1", env, StepFixture.NOW + 5, 2));
        control.apply(fx.checked(StepFixture.envelope("c1", Control.listRecurring()), 1), fx.rest);
        assertThat((List<?>) answer(fx.sent().get(0))).singleElement().isEqualTo(new io.tasq.RecurringInfo("nightly",
                "r1", "client-1", "1h", java.time.Instant.ofEpochMilli(StepFixture.NOW + 5), 2));

        control.apply(fx.checked(StepFixture.envelope("c2", Control.cancelRecurring("nightly")), 1), fx.rest);
        assertThat(answer(fx.sent().get(1))).isEqualTo(true);
        assertThat(store.list()).isEmpty();
    }

    @Test
    void anUnknownRequestIsRefusedSayingToUpgradeTheWorker() {
        JobInFlight request = fx.checked(StepFixture.envelope("c1", Map.of(Control.OPTION, "reboot")), 1);
        control.apply(request, fx.rest);
        assertThat(fx.sent()).singleElement().extracting(ResultEnvelope::status).isEqualTo(ResultStatus.REJECTED);
        assertThat(StepFixture.delivery(request).settled).singleElement().asString()
                .contains("unknown control request 'reboot'", "upgrade the worker");
    }

    @Test
    void aBroadcastCancelIsAppliedAndABadlySignedOneIgnored() {
        byte[] good = JobCodec.encode(StepFixture.envelope("c1", Control.cancelJob("j7")),
                Signing.signer(TestKeys.worker()).orElseThrow());
        control.broadcast(good);
        assertThat(cancellations.isCancelled("j7")).isTrue();

        byte[] forged = JobCodec.encode(StepFixture.envelope("c2", Control.cancelJob("j8")), Signing.signer(
                Settings.of(Map.of("sign.key", "another-key-0123456789abcdefghij"), "test")).orElseThrow());
        control.broadcast(forged);
        assertThat(cancellations.isCancelled("j8")).isFalse();
        assertThat(fx.stats.rejected.get()).isEqualTo(1);
        assertThat(fx.consumer.sent).isEmpty(); // a broadcast is never answered
    }

    @Test
    void aHeldJobIsNeverTakenForARequest() {
        JobInFlight held = fx.held(StepFixture.envelope("c1", Control.cancelJob("j9")), 1, 1);
        control.apply(held, fx.rest);
        assertThat(fx.rest.passed).containsExactly(held);
        assertThat(List.copyOf(fx.consumer.sent)).isEmpty();
    }
}
