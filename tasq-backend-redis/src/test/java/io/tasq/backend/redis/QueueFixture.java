package io.tasq.backend.redis;

import io.tasq.spi.Backend;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.Delivery;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobListener;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A queue of a test's own on the test Redis, used through the SPI with opaque bodies, and a
 * connection to look inside it. Closing it closes what it opened and deletes the queue's keys.
 */
final class QueueFixture implements AutoCloseable {

    final String url;
    final Keys keys;
    final String jobs;
    final String dead;
    final Jedis redis;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A new queue on the shared test server. */
    QueueFixture() {
        this(TestRedis.url(TestRedis.newQueue()));
    }

    /** The queue of {@code url} (on a cluster, for one), which no other test uses. */
    QueueFixture(String url) {
        this.url = url;
        this.keys = TestRedis.keys(url);
        this.jobs = Keys.name(keys.jobs());
        this.dead = Keys.name(keys.dead());
        this.redis = TestRedis.jedis(url);
    }

    /** A backend for the queue with these settings, as name, value, name, value. */
    Backend backend(String... settings) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            m.put(settings[i], settings[i + 1]);
        }
        Backend b = Providers.backend(url, Settings.of(m, "test"));
        opened.add(b);
        return b;
    }

    /** A started consumer adding what it gets to {@code into}. */
    JobConsumer consume(Backend b, String workerId, int prefetch, List<Delivery> into) {
        return consume(b, workerId, prefetch, (JobListener) into::add);
    }

    JobConsumer consume(Backend b, String workerId, int prefetch, JobListener listener) {
        JobConsumer c = b.openConsumer(new ConsumerOptions(workerId, prefetch));
        opened.add(c);
        c.start(listener);
        return c;
    }

    static void send(JobProducer p, String jobId, String replyTo, byte[] body, long notBefore) {
        p.send(new OutboundJob(jobId, replyTo, body, notBefore)).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    static void send(JobProducer p, String jobId, long notBefore) {
        send(p, jobId, "client-a", bytes(jobId), notBefore);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close " + opened.get(i), e);
            }
        }
        redis.close();
        TestRedis.deleteQueues(List.of(url));
    }
}
