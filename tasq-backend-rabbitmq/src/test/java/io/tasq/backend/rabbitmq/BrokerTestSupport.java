package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/** What the RabbitMQ tests share: workers, clients and raw backends that are closed after each test. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class BrokerTestSupport {

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /** A URL for a fresh queue, deleted after the test. */
    String newQueueUrl(String extra) {
        String url = TestBroker.queueUrl(extra);
        names.add(TestBroker.nameOf(url));
        return url;
    }

    String newQueueUrl() {
        return newQueueUrl("");
    }

    Worker startWorker(String url, int concurrency) {
        Worker w = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(concurrency).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    /** A worker with these settings besides the test keys'. */
    Worker startWorker(String url, int concurrency, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("sign.key", TestKeys.KEY);
        all.put("worker.allow-classes", "io.tasq.**");
        Worker w = Worker.builder().backend(url).settings(Settings.of(all, "test")).concurrency(concurrency).build()
                .start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    TasqClient connected(String url) {
        return connected(url, Map.of());
    }

    TasqClient connected(String url, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(TestKeys.client());
        all.putAll(settings);
        TasqClient c = Tasq.builder().url(url).settings(all).client();
        opened.add(c);
        c.connect();
        return c;
    }

    Backend rawBackend(String url) {
        return rawBackend(url, Map.of());
    }

    Backend rawBackend(String url, Map<String, String> settings) {
        Backend b = Providers.backend(url, Settings.of(settings, "test"));
        opened.add(b);
        return b;
    }

    /** The dead letters of the queue of {@code url}, which declares its job and dead-letter queues. */
    io.tasq.spi.DeadLetters declared(String url) {
        return rawBackend(url).feature(DeadLetters.class).orElseThrow();
    }

    <T extends AutoCloseable> T closeLater(T c) {
        opened.add(c);
        return c;
    }

    /** How many messages {@code queue} holds, or -1 if it does not exist. */
    static long messageCount(String queue) throws Exception {
        try (Connection c = TestBroker.admin()) {
            Channel ch = c.createChannel();
            try {
                return ch.queueDeclarePassive(queue).getMessageCount();
            } catch (IOException e) {
                return -1;
            }
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
        names.forEach(TestBroker::deleteQueues);
        names.clear();
    }
}
