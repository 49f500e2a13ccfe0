package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class JobPipelineTest {

    private final StepFixture fx = new StepFixture();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private JobStep passing(String name) {
        return (job, rest) -> {
            seen.add(name);
            rest.proceed(job);
        };
    }

    @Test
    void aJobMeetsTheStepsInOrderUntilOneSettlesIt() {
        JobStep settling = (job, rest) -> {
            seen.add("settle");
            job.outcome().ack();
        };
        JobPipeline pipeline = new JobPipeline("w", List.of(passing("a"), passing("b"), settling, passing("never")),
                fx.consumer, fx.held);
        JobInFlight job = fx.fresh(StepFixture.envelope("j1", Map.of()), 1);
        pipeline.handle(job.item());
        assertThat(seen).containsExactly("a", "b", "settle");
    }

    @Test
    void aHeldJobIsSettledThroughTheConsumer() {
        JobStep settling = (job, rest) -> job.outcome().refuse(null, "because");
        new JobPipeline("w", List.of(settling), fx.consumer, fx.held)
                .handle(fx.held(StepFixture.envelope("j1", Map.of()), 1, 1).item());
        assertThat(fx.consumer.deadLetters).containsExactly("j1: because");
    }

    @Test
    void aStepThatThrowsLeavesNoDeliveryUnsettled() {
        JobStep broken = (job, rest) -> {
            throw new IllegalStateException("a bug");
        };
        JobInFlight job = fx.fresh(StepFixture.envelope("j1", Map.of()), 1);
        new JobPipeline("w", List.of(passing("a"), broken), fx.consumer, fx.held).handle(job.item());
        assertThat(StepFixture.delivery(job).settled).singleElement().asString()
                .isEqualTo("refuse: internal error: java.lang.IllegalStateException: a bug");
    }
}
