package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.internal.wire.ResultEnvelope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReplyStepTest {

    private final StepFixture fx = new StepFixture();
    private final ReplyStep step = new ReplyStep(fx.replies);
    private final List<ResultEnvelope> finals = new CopyOnWriteArrayList<>();

    private JobInFlight ran(String refusal) {
        JobInFlight job = fx.checked(StepFixture.envelope("j1", Map.of()), 1);
        job.ran(new Execution.Ran(ResultEnvelope.succeeded(ResultEnvelope.Origin.of(job.env(), "w", 1, 1), 1, 2, "",
                new byte[0]), refusal));
        job.whenFinal(finals::add);
        return job;
    }

    @Test
    void aResultIsSentAndSettlesTheJobAsDoneThenWhatWaitedForItRuns() {
        JobInFlight job = ran(null);
        step.apply(job, fx.rest);
        assertThat(StepFixture.delivery(job).settled).containsExactly("complete");
        assertThat(fx.sent()).hasSize(1);
        assertThat(finals).containsExactly(job.ran().result());
    }

    @Test
    void aRefusalTellsTheClientAndSettlesTheJobToTheDeadLetters() {
        JobInFlight job = ran("failed after 3 attempts");
        step.apply(job, fx.rest);
        assertThat(fx.sent()).hasSize(1);
        assertThat(StepFixture.delivery(job).settled).containsExactly("reject: failed after 3 attempts");
        assertThat(finals).hasSize(1);
    }
}
