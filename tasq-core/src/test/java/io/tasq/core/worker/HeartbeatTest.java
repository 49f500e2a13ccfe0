package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tasq.core.internal.metrics.WorkerMetrics;
import io.tasq.core.testkit.StubBackend;
import io.tasq.spi.WorkerInfo;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

    @Test
    void beatsGoOnAfterOneFails() {
        AtomicInteger beats = new AtomicInteger();
        StepFixture.RecordingConsumer consumer = new StepFixture.RecordingConsumer() {
            @Override
            public void heartbeat(WorkerInfo info) {
                if (beats.incrementAndGet() == 1) {
                    throw new IllegalStateException("backend away");
                }
            }
        };
        Heartbeat heartbeat = new Heartbeat("w", new StubBackend("stub") { }, consumer,
                new WorkerMetrics(new SimpleMeterRegistry(), "w", "stub://"), () -> null);
        heartbeat.start(Duration.ofMillis(100));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> beats.get() >= 3);
        } finally {
            heartbeat.stop();
        }
        int stopped = beats.get();
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
        assertThat(beats.get()).isLessThanOrEqualTo(stopped + 1);
    }
}
