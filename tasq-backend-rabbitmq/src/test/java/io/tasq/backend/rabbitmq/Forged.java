package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.Task0;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.security.HmacSha256;
import io.tasq.core.testkit.TestKeys;
import io.tasq.internal.Call0;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.util.Map;

/**
 * What someone who can publish to the broker sends: messages made by hand and published straight
 * into a queue. The one place where the tests of this module build job envelopes themselves, so
 * that a change of the envelope's format is adapted here only.
 */
final class Forged {

    private Forged() {
    }

    /** A job that returns the time it ran at. */
    private static final Task0<Long> NOW = System::currentTimeMillis;

    /** A well-formed job envelope, signed with nothing: every worker not started insecure refuses it. */
    static byte[] unsignedJob(String jobId, String replyTo, long notBeforeMillis) {
        return JobCodec.encode(envelope("", jobId, replyTo, notBeforeMillis), null);
    }

    /**
     * A job envelope for the Tasq queue {@code name} signed with the test key ({@link TestKeys#KEY}), as
     * a client of the tests would send it.
     */
    static byte[] signedJob(String name, String jobId, String replyTo, long notBeforeMillis) {
        return JobCodec.encode(envelope(name, jobId, replyTo, notBeforeMillis), HmacSha256.forKey(TestKeys.KEY));
    }

    private static JobEnvelope envelope(String queue, String jobId, String replyTo, long notBeforeMillis) {
        byte[] payload = Providers.serializer("fory").create(Settings.empty()).serialize(new Call0<>(NOW));
        long now = System.currentTimeMillis();
        return new JobEnvelope(jobId, jobId, replyTo, now, notBeforeMillis, "", Map.of(), "fory", payload)
                .forQueue(queue, Math.max(now, notBeforeMillis) + 86_400_000L);
    }

    /** Publishes {@code body} into the job queue of the Tasq queue {@code name}, with these headers (or none). */
    static void publish(String name, String messageId, Map<String, Object> headers, byte[] body) throws Exception {
        publishTo("tasq." + name + ".jobs", messageId, headers, body);
    }

    /** Publishes {@code body} into {@code queue}, persistent, with these headers (or none). */
    static void publishTo(String queue, String messageId, Map<String, Object> headers, byte[] body) throws Exception {
        try (Connection c = TestBroker.admin(); Channel ch = c.createChannel()) {
            boolean[] returned = {false};
            ch.addReturnListener(r -> returned[0] = true);
            ch.confirmSelect();
            ch.basicPublish("", queue, true, new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(messageId)
                    .headers(headers).build(), body);
            ch.waitForConfirmsOrDie(10_000);
            if (returned[0]) { // the broker sends a return before its confirm
                throw new IllegalStateException("there is no queue " + queue + " to publish to");
            }
        }
    }
}
