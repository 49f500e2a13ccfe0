package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Delivery;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's consuming channel against the real broker: its lives, and what it sets up again. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerChannelTest {

    private final String url = TestBroker.queueUrl();
    private final String name = TestBroker.nameOf(url);
    private final RabbitMqSettings settings = RabbitMqSettings.from(BackendUri.parse(url), Settings.empty());
    private final Topology topology = new Topology(settings);
    private final Connection connection = AmqpConnections.open(settings, "tasq-test-channel-" + name);
    private final BlockingQueue<WorkerOp> inbox = new LinkedBlockingQueue<>();
    private final BlockingQueue<Delivery> jobs = new LinkedBlockingQueue<>();
    private final AtomicBoolean paused = new AtomicBoolean();

    @AfterEach
    void close() {
        AmqpConnections.quietlyClose(connection);
        TestBroker.deleteQueues(name);
    }

    private WorkerChannel open() throws IOException {
        return new WorkerChannel(connection, topology, settings, "w-test", 10, inbox::add, paused::get);
    }

    private static int consumers(String queue) throws Exception {
        try (Connection c = TestBroker.admin()) {
            return c.createChannel().queueDeclarePassive(queue).getConsumerCount();
        }
    }

    private void publishJob(String body) throws Exception {
        try (Connection c = TestBroker.admin()) {
            c.createChannel().basicPublish("", topology.jobs(), null, body.getBytes());
        }
    }

    /** Has the broker close the current channel, as it does after a refused operation. */
    private static void breakChannel(WorkerChannel wc) {
        Channel ch = wc.current();
        assertThatThrownBy(() -> ch.queueDeclarePassive("tasq.no-such-queue-" + System.nanoTime()))
                .isInstanceOf(IOException.class);
        await().until(() -> !ch.isOpen());
    }

    @Test
    void confirmsAndReturnsReachTheInboxInTheLifeTheyBelongTo() throws Exception {
        WorkerChannel wc = open();
        assertThat(consumers(topology.jobs())).isZero(); // declared, not consumed yet
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().messageId("m-1").build();
        wc.current().basicPublish("", "tasq." + name + ".nowhere", true, p, new byte[0]);
        assertThat(inbox.poll(10, TimeUnit.SECONDS))
                .isEqualTo(new WorkerOp.Returned("tasq." + name + ".nowhere", "m-1", "NO_ROUTE"));
        assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo(new WorkerOp.Confirmed(0, 1, false, false));

        breakChannel(wc);
        assertThat(wc.epoch()).isEqualTo(1);
        wc.maintain(() -> false);
        wc.current().basicPublish("", topology.jobs(), true, p, new byte[0]);
        assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo(new WorkerOp.Confirmed(1, 1, false, false));
        wc.lost();
        assertThat(wc.epoch()).isEqualTo(2);
    }

    @Test
    void aChannelTheBrokerClosedIsReplacedAndConsumesAgain() throws Exception {
        WorkerChannel wc = open();
        wc.subscribe(jobs::add);
        Channel first = wc.current();
        breakChannel(wc);
        AtomicInteger asked = new AtomicInteger();
        wc.maintain(() -> asked.incrementAndGet() > 0);
        assertThat(asked).as("a redeclare is asked for only on an open channel").hasValue(0);
        assertThat(wc.current()).isNotSameAs(first);
        assertThat(wc.current().isOpen()).isTrue();
        publishJob("after");
        Delivery d = jobs.poll(10, TimeUnit.SECONDS);
        assertThat(d).isNotNull();
        assertThat(new String(d.body())).isEqualTo("after");
        assertThat(((RabbitMqDelivery) d).from()).isSameAs(wc.current());
    }

    @Test
    void aConsumerTheBrokerCancelledIsDeclaredAndStartedAgain() throws Exception {
        WorkerChannel wc = open();
        wc.subscribe(jobs::add);
        assertThat(consumers(topology.jobs())).isEqualTo(1);
        try (Connection c = TestBroker.admin()) {
            c.createChannel().queueDelete(topology.jobs());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            wc.maintain(() -> false);
            return consumers(topology.jobs()) == 1;
        });
        publishJob("again");
        assertThat(jobs.poll(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aRedeclareIsDoneWhenAskedAndAPausedWorkerConsumesNothingAgain() throws Exception {
        WorkerChannel wc = open();
        wc.subscribe(jobs::add);
        publishJob("first"); // delivered after the consumer's tag is known (both come on the dispatch thread)
        assertThat(jobs.poll(10, TimeUnit.SECONDS)).isNotNull();
        wc.cancel(wc.current());
        await().until(() -> consumers(topology.jobs()) == 0);
        paused.set(true);
        try (Connection c = TestBroker.admin()) {
            c.createChannel().queueDelete(topology.jobs());
        }
        wc.maintain(() -> true);
        assertThat(consumers(topology.jobs())).as("declared again, not consumed").isZero();
        breakChannel(wc);
        wc.maintain(() -> false);
        assertThat(wc.current().isOpen()).isTrue();
        assertThat(consumers(topology.jobs())).isZero();
    }
}
