package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.tasq.JobOptions;
import io.tasq.TasqClient;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.security.HmacSha256;
import io.tasq.core.worker.Worker;
import io.tasq.internal.Call1;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Undecodable and wrongly signed jobs end in the dead-letter queue, once, with no reply to anyone (the
 * address in an unverified message may be anyone's), and the worker keeps serving.
 */
class PoisonMessageTest extends BrokerTestSupport {

    @Test
    void poisonJobsGoToTheDeadLetterQueueOnceWithTheirReasonAndTheWorkerKeepsServing() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        Worker worker = startWorker(url, 2);

        // undecodable: random bytes published by hand, straight into the job queue
        byte[] garbage = new byte[200];
        new Random(7).nextBytes(garbage);
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            ch.basicPublish("", "tasq." + name + ".jobs", new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .messageId("garbage").build(), garbage);
        }
        // wrongly signed: a well-formed job signed with a key the worker does not trust
        List<ResultEnvelope> answers = new CopyOnWriteArrayList<>();
        JobProducer intruder = closeLater(rawBackend(url).openProducer("intruder",
                body -> answers.add(ResultCodec.decode(body, 1 << 20))));
        byte[] payload = Providers.serializer("fory").create(Settings.empty()).serialize(new Call1<>((Integer n) -> n, 1));
        byte[] wrongKey = JobCodec.encode(new JobEnvelope("wrong-key", "wrong-key", "intruder",
                System.currentTimeMillis(), 0, "", Map.of(), "fory", payload)
                        .forQueue(name, System.currentTimeMillis() + 3_600_000),
                HmacSha256.forKey("not-the-worker-key-0123456789"));
        intruder.send(new OutboundJob("wrong-key", "intruder", wrongKey, 0)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        String dead = "tasq." + name + ".dead";
        await().atMost(Duration.ofSeconds(30)).until(() -> messageCount(dead) == 2);
        Map<String, GetResponse> letters = new HashMap<>();
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            for (int i = 0; i < 2; i++) {
                GetResponse r = ch.basicGet(dead, true);
                letters.put(r.getProps().getMessageId(), r);
            }
        }
        assertThat(letters).containsOnlyKeys("garbage", "wrong-key");
        // smaller than what a dead letter keeps of a refused message: whole
        assertThat(letters.get("garbage").getBody()).isEqualTo(garbage);
        assertThat(header(letters.get("garbage"), Topology.REASON)).contains("not a Tasq envelope");
        assertThat(letters.get("wrong-key").getBody()).isEqualTo(wrongKey);
        assertThat(header(letters.get("wrong-key"), Topology.REASON)).contains("does not trust");
        assertThat(header(letters.get("wrong-key"), Topology.REJECTED_BY)).isEqualTo(worker.id());
        assertThat(letters.get("wrong-key").getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(letters.get("wrong-key").getProps().getReplyTo()).isNull(); // none of its properties but its id

        // the worker keeps serving, and nothing comes back to be refused again
        TasqClient client = connected(url);
        assertThat(client.scheduleBlocking(Duration.ofSeconds(30), () -> "still serving", JobOptions.defaults()))
                .isEqualTo("still serving");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> worker.stats().rejected() == 2);
        assertThat(answers).isEmpty(); // no reply to the address an unverified message names
        assertThat(messageCount("tasq." + name + ".jobs")).isZero();
        assertThat(messageCount(dead)).isZero(); // we took both out
    }

    private static String header(GetResponse r, String key) {
        Object v = r.getProps().getHeaders().get(key);
        return v == null ? null : v.toString(); // a LongString
    }
}
