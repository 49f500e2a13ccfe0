package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.TasqException;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReplyPathTest {

    private final StepFixture fx = new StepFixture();

    private ResultEnvelope result(String jobId) {
        return ResultEnvelope.succeeded(ResultEnvelope.Origin.of(StepFixture.envelope(jobId, Map.of()), "w", 1, 1),
                1, 2, "", new byte[0]);
    }

    @Test
    void aResultGoesOutEncodedAddressedToItsClientAndSettlesItsDelivery() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        fx.replies.done(result("j1"), job.outcome());
        assertThat(fx.consumer.sent).singleElement().satisfies(m -> {
            assertThat(m.replyTo()).isEqualTo("client-1");
            assertThat(m.jobId()).isEqualTo("j1");
            assertThat(m.body()).isEqualTo(ResultCodec.encode(result("j1")));
        });
        assertThat(StepFixture.delivery(job).settled).containsExactly("complete");
    }

    @Test
    void aRejectionIsCountedAndTellsTheClientWhy() {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        fx.replies.reject(ResultEnvelope.Origin.of(job.env(), "w", 1, 1), 9, new TasqException("no"), job.outcome());
        assertThat(fx.sent()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(ResultStatus.REJECTED);
            assertThat(r.finishedAtMillis()).isEqualTo(9);
            assertThat(RemoteErrors.decode(r.payload()).remoteType()).isEqualTo(TasqException.class.getName());
        });
        assertThat(StepFixture.delivery(job).settled).containsExactly("reject: no");
        assertThat(fx.stats.rejected.get()).isEqualTo(1);
    }

    @Test
    void aRetryNoticeGoesOutBeforeTheAttemptIsSettled() {
        List<String> order = new CopyOnWriteArrayList<>();
        fx.replies.retrying(result("j1").retrying(), () -> order.add("settled after " + fx.consumer.sent.size()));
        assertThat(order).containsExactly("settled after 1");
        assertThat(fx.sent()).singleElement().extracting(ResultEnvelope::status).isEqualTo(ResultStatus.RETRYING);
    }

    @Test
    void aCopyOnlyPublishes() {
        fx.replies.copy(result("j2"));
        assertThat(fx.sent()).singleElement().extracting(ResultEnvelope::jobId).isEqualTo("j2");
    }

    @Test
    void repliesLeaveInOrderFromTheCallersThreadAndAFailedSendDoesNotStopThem() {
        String caller = Thread.currentThread().getName();
        StepFixture.RecordingConsumer consumer = new StepFixture.RecordingConsumer() {
            @Override
            public void publish(io.tasq.spi.ResultMessage result) {
                if (result.jobId().equals("bad")) {
                    throw new IllegalStateException("broken pipe");
                }
                assertThat(Thread.currentThread().getName()).isEqualTo(caller);
                super.publish(result);
            }
        };
        ReplyPath path = new ReplyPath("w", consumer, fx.stats);
        path.copy(result("j1"));
        path.copy(result("bad"));
        path.copy(result("j2"));
        assertThat(consumer.sent).extracting(m -> m.jobId()).containsExactly("j1", "j2");
    }

    @Test
    void aRetryNoticeThatCannotBeSentStillSettlesTheAttempt() {
        StepFixture.RecordingConsumer broken = new StepFixture.RecordingConsumer() {
            @Override
            public void publish(io.tasq.spi.ResultMessage result) {
                throw new IllegalStateException("broken pipe");
            }
        };
        List<String> settled = new CopyOnWriteArrayList<>();
        new ReplyPath("w", broken, fx.stats).retrying(result("j3").retrying(), () -> settled.add("j3"));
        assertThat(settled).containsExactly("j3");
    }
}
