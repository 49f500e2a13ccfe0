package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.core.testkit.SharedQueueContractTest;
import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.Providers;
import io.tasq.spi.ScheduleStore;
import io.tasq.spi.Settings;
import io.tasq.spi.UniqueLocks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The shared contract, against the real broker: each queue is a fresh queue name. */
class RabbitMqBackendContractTest extends SharedQueueContractTest {

    private static final List<String> NAMES = new CopyOnWriteArrayList<>();

    @Override
    protected String newQueueUrl() {
        String url = TestBroker.queueUrl();
        NAMES.add(TestBroker.nameOf(url));
        return url;
    }

    /**
     * The contract checks dead letters and broker-kept locks only where a backend has them: here
     * they must be there, so that those checks run (the stricter ones are in {@code JobLifecycleTest}).
     */
    @Test
    void theLifecycleHooksAreKeptByTheBroker() {
        try (Backend backend = Providers.backend(newQueueUrl(), Settings.empty());
                JobConsumer consumer = backend.openConsumer(new ConsumerOptions("hooks", 1))) {
            assertThat(backend.feature(DeadLetters.class)).isPresent();
            assertThat(consumer.feature(UniqueLocks.class)).isPresent();
            assertThat(consumer.feature(ScheduleStore.class)).isPresent();
        }
    }

    /** The queue's RabbitMQ queues, plus the messages in them (ready and unacknowledged). */
    @Override
    protected long footprint(String url) {
        return TestBroker.footprint(TestBroker.nameOf(url));
    }

    @AfterAll
    static void deleteQueues() {
        NAMES.forEach(TestBroker::deleteQueues);
    }
}
