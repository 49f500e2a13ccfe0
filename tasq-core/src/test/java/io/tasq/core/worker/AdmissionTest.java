package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.ReplayGuard;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final long NOW = 1_000_000;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    private static SignedJob job(String id, String queue, long expiresAt) {
        JobEnvelope env = new JobEnvelope(id, id, "client-1", NOW, 0, "", Map.of(), "fory", new byte[0])
                .forQueue(queue, expiresAt);
        return new SignedJob(env, "hmac-sha256", "k", new byte[0], new byte[0], 0);
    }

    private Admission admission(Optional<ReplayGuard> shared) {
        return new Admission("w", "orders", clock, new ReplayMemory(100), shared);
    }

    @Test
    void aJobForThisQueueBeforeItsExpiryIsAdmittedOnce() {
        Admission a = admission(Optional.empty());
        assertThat(a.check(job("j1", "orders", NOW + 1), 0, "").verdict()).isEqualTo(Admission.Verdict.ADMITTED);
        assertThat(a.check(job("j1", "orders", NOW + 1), 0, "").verdict()).isEqualTo(Admission.Verdict.DUPLICATE);
    }

    @Test
    void aJobSignedForAnotherQueueIsRefusedSayingWhich() {
        Admission.Result r = admission(Optional.empty()).check(job("j1", "payments", NOW + 1_000), 0, "");
        assertThat(r.verdict()).isEqualTo(Admission.Verdict.REFUSED);
        assertThat(r.reason()).contains("queue 'payments'", "serves 'orders'");
        // a run fired by the schedule store is checked for its queue too
        assertThat(admission(Optional.empty()).check(job("j2", "payments", NOW + 1_000), 3, "").verdict())
                .isEqualTo(Admission.Verdict.REFUSED);
    }

    @Test
    void anExpiredJobIsRefusedButRunsOfARepeatingJobOutliveTheRegistration() {
        Admission a = admission(Optional.empty());
        Admission.Result r = a.check(job("j1", "orders", NOW), 0, "");
        assertThat(r.verdict()).isEqualTo(Admission.Verdict.REFUSED);
        assertThat(r.reason()).contains("expired", "ttl");
        assertThat(a.check(job("j2", "orders", 0), 0, "").verdict()).isEqualTo(Admission.Verdict.REFUSED);
        assertThat(a.check(job("j1", "orders", NOW - 1), 7, "").verdict()).isEqualTo(Admission.Verdict.ADMITTED);
    }

    @Test
    void aJobHandedBackIsAdmittedAgainOnItsNextDelivery() {
        Admission a = admission(Optional.empty());
        SignedJob j = job("j1", "orders", NOW + 1_000);
        assertThat(a.check(j, 0, "").verdict()).isEqualTo(Admission.Verdict.ADMITTED);
        a.handedBack(j.job());
        assertThat(a.check(j, 0, "").verdict()).isEqualTo(Admission.Verdict.ADMITTED);
    }

    @Test
    void aDeadLetteredJobSentBackByAnOperatorIsAdmittedAgain() {
        Admission a = admission(Optional.empty());
        SignedJob j = job("j1", "orders", NOW + 1_000);
        assertThat(a.check(j, 0, "").verdict()).isEqualTo(Admission.Verdict.ADMITTED);
        a.deadLettered(j.job());
        assertThat(a.check(j, 0, "").verdict()).isEqualTo(Admission.Verdict.ADMITTED);
        assertThat(a.check(j, 0, "").verdict()).isEqualTo(Admission.Verdict.DUPLICATE);
    }

    @Test
    void theBackendsSharedMemoryStopsACopyAnotherWorkerTook() {
        Map<String, String> claims = new ConcurrentHashMap<>();
        ReplayGuard shared = new ReplayGuard() {
            @Override
            public boolean claim(String jobKey, String deliveryId, long expiresAtMillis) {
                return claims.computeIfAbsent(jobKey, k -> deliveryId).equals(deliveryId);
            }

            @Override
            public void release(String jobKey) {
                claims.remove(jobKey);
            }
        };
        Admission first = admission(Optional.of(shared));
        Admission second = admission(Optional.of(shared));
        SignedJob j = job("j1", "orders", NOW + 1_000);
        assertThat(first.check(j, 0, "entry-1").verdict()).isEqualTo(Admission.Verdict.ADMITTED);
        assertThat(second.check(j, 0, "entry-2").verdict()).isEqualTo(Admission.Verdict.DUPLICATE);
        // the same delivery handed out again after its worker was lost keeps its claim
        assertThat(admission(Optional.of(shared)).check(j, 0, "entry-1").verdict())
                .isEqualTo(Admission.Verdict.ADMITTED);
    }

    @Test
    void aSharedMemoryThatCannotBeAskedHandsTheJobBack() {
        ReplayGuard down = new ReplayGuard() {
            @Override
            public boolean claim(String jobKey, String deliveryId, long expiresAtMillis) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public void release(String jobKey) {
            }
        };
        Admission a = admission(Optional.of(down));
        SignedJob j = job("j1", "orders", NOW + 1_000);
        assertThat(a.check(j, 0, "e").verdict()).isEqualTo(Admission.Verdict.UNSURE);
        // and its own memory forgot it, so that the job's next delivery is not taken for a copy
        assertThat(a.check(j, 0, "e").verdict()).isEqualTo(Admission.Verdict.UNSURE);
    }
}
