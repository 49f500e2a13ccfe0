package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Work handed to an IO thread completes its caller's stage only when finished, with its value or failure. */
class IoTaskTest {

    @Test
    void theStageCompletesWithTheValueOnlyWhenFinished() {
        IoTask<String> task = new IoTask<>(() -> "done");
        task.run();
        assertThat(task.done()).isNotDone();
        task.finish();
        assertThat(task.done()).isCompletedWithValue("done");
    }

    @Test
    void aFailureOfTheWorkFailsTheStageNotTheIoThread() {
        IoTask<String> task = new IoTask<>(() -> {
            throw new IllegalStateException("no such worker");
        });
        task.run();
        task.finish();
        assertThat(task.done()).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class).withMessageContaining("no such worker");
    }
}
