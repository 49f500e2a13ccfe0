package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.tasq.TasqClient;
import io.tasq.core.worker.Worker;
import io.tasq.internal.WorkerInfoCodec;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.WorkerInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An operator's listing of the live workers asks them through the broker, and anyone who can
 * publish to it can answer: garbage, a cut heartbeat, a stale one, an answer to another request, an
 * oversize one. None of them is listed, the listing does not fail, and the worker keeps serving.
 */
class ForgedPresenceAnswersTest extends BrokerTestSupport {

    private static WorkerInfo heartbeat(String id, long at) {
        return new WorkerInfo(id, "intruder-host", 1, "amqp://intruder", "actor", 1, at, 0, 0, 0, 0, 0, at, 2_000, 0, 0);
    }

    @Test
    void forgedAnswersToAPresenceRequestAreNotListed() throws Exception {
        String url = newQueueUrl();
        Worker worker = startWorker(url, 1);
        QueueAdmin admin = rawBackend(url).feature(QueueAdmin.class).orElseThrow();
        AtomicInteger answered = new AtomicInteger();
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            String listening = ch.queueDeclare().getQueue();
            ch.queueBind(listening, "tasq." + TestBroker.nameOf(url) + ".presence", "");
            ch.basicConsume(listening, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body)
                        throws IOException {
                    long now = System.currentTimeMillis();
                    byte[] whole = WorkerInfoCodec.encode(heartbeat("forged-cut", now));
                    answer(p, p.getCorrelationId(), "not a heartbeat".getBytes(StandardCharsets.UTF_8));
                    answer(p, p.getCorrelationId(), Arrays.copyOf(whole, whole.length / 2));
                    answer(p, p.getCorrelationId(), WorkerInfoCodec.encode(heartbeat("forged-stale", now - 3_600_000)));
                    answer(p, "another-request", WorkerInfoCodec.encode(heartbeat("forged-elsewhere", now)));
                    answer(p, p.getCorrelationId(), new byte[1 << 20]); // a megabyte of zeros
                    answered.incrementAndGet();
                }

                private void answer(AMQP.BasicProperties request, String correlationId, byte[] body) throws IOException {
                    getChannel().basicPublish("", request.getReplyTo(),
                            new AMQP.BasicProperties.Builder().correlationId(correlationId).build(), body);
                }
            });

            for (int i = 0; i < 3; i++) {
                int before = answered.get();
                List<WorkerInfo> listed = await().atMost(Duration.ofSeconds(20)).until(admin::workers,
                        l -> answered.get() > before && !l.isEmpty());
                assertThat(listed).extracting(WorkerInfo::workerId).containsExactly(worker.id());
            }
        }
        TasqClient client = connected(url);
        assertThat(client.schedule(() -> "still serving").unwrap(Duration.ofSeconds(30))).isEqualTo("still serving");
    }
}
