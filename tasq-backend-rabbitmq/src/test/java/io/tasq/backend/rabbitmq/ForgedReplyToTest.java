package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.tasq.JobOptions;
import io.tasq.TasqClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The requests workers answer (who is there, the repeating jobs, the unique-job locks) carry a
 * reply-to, which whoever can publish to the broker sets: a worker answers only through direct
 * reply-to (the asker's own channel), never into a queue a request names, such as another client's
 * reply queue, and it keeps serving jobs.
 *
 * <p>Each forged request goes out on the same channel just before a well-formed one that asks the
 * same worker the same thing through direct reply-to: the broker and the worker keep their order, so
 * once the well-formed one is answered, the forged one was handled, and the victim's queue is watched
 * a few seconds more besides.
 */
class ForgedReplyToTest extends BrokerTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Where a request goes: an exchange and routing key, and its headers. */
    private record Request(String what, String exchange, String routingKey, Map<String, Object> headers) {
    }

    @Test
    void noRequestIsAnsweredIntoAnotherClientsReplyQueueAndTheWorkerKeepsServing() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        startWorker(url, 1);
        TasqClient client = connected(url);
        assertServes(client, "before");
        String victim = "tasq." + name + ".reply.victim-client";
        Request[] requests = {
            new Request("presence", "tasq." + name + ".presence", "", null),
            new Request("repeating jobs: list", "", "tasq." + name + ".schedules",
                    Map.of(RabbitMqScheduleStore.KIND, "list")),
            new Request("repeating jobs: remove", "", "tasq." + name + ".schedules",
                    Map.of(RabbitMqScheduleStore.KIND, "remove", "x-tasq-name", "no-such-job")),
            new Request("unique locks: release", "", "tasq." + name + ".locks",
                    Map.of(RabbitMqUniqueLocks.KIND, "release", "x-tasq-key", "no-such-key", "x-tasq-job", "j-1")),
        };
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(victim, true, false, false, Map.of("x-expires", 600_000));
            BlockingQueue<String> answers = new LinkedBlockingQueue<>();
            List<String> everyAnswer = new CopyOnWriteArrayList<>();
            ch.basicConsume(LeaderQueue.DIRECT_REPLY, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                    answers.add(p.getCorrelationId());
                    everyAnswer.add(p.getCorrelationId());
                }
            });
            for (Request r : requests) {
                // the worker answers this kind at all (a presence answer waits for its first heartbeat)
                await().atMost(WAIT).until(() -> ask(ch, r, LeaderQueue.DIRECT_REPLY, answers, 2));
                publish(ch, r, victim, "forged-" + UUID.randomUUID());
                assertThat(ask(ch, r, LeaderQueue.DIRECT_REPLY, answers, 20)).as(r.what()).isTrue();
                assertThat(messageCount(victim)).as("answers to '%s' in the victim's queue", r.what()).isZero();
            }
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> messageCount(victim) == 0);
            assertThat(everyAnswer).as("forged requests are not answered at all").noneMatch(id -> id.startsWith("forged-"));
            ch.queueDelete(victim);
        }
        assertServes(client, "after");
    }

    /** Publishes {@code r} through direct reply-to and waits up to {@code seconds} for its answer. */
    private static boolean ask(Channel ch, Request r, String replyTo, BlockingQueue<String> answers, int seconds)
            throws Exception {
        String id = "control-" + UUID.randomUUID();
        publish(ch, r, replyTo, id);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (String got; (got = answers.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            if (got.equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static void publish(Channel ch, Request r, String replyTo, String correlationId) throws IOException {
        ch.basicPublish(r.exchange(), r.routingKey(), new AMQP.BasicProperties.Builder().replyTo(replyTo)
                .correlationId(correlationId).expiration("20000").headers(r.headers()).build(), new byte[0]);
    }

    private static void assertServes(TasqClient client, String what) {
        assertThat(client.scheduleBlocking(WAIT, () -> what, JobOptions.defaults())).isEqualTo(what);
    }
}
