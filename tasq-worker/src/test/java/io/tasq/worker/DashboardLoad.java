package io.tasq.worker;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a queue busy for the dashboard's browser test: three repeating jobs, one unsigned job the
 * worker refuses (a dead letter), then short jobs every 100 ms and now and then one that fails. Its
 * own class, so that the jobs a worker defines from it reference nothing the worker lacks (the
 * browser test's class refers to Selenium).
 */
final class DashboardLoad implements AutoCloseable {

    private final TasqClient client;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    private final TasqClient unsigned;

    DashboardLoad(TasqClient client, String url) {
        this.client = client;
        this.unsigned = Tasq.builder().url(url).setting("sign.algorithm", "none").client();
    }

    DashboardLoad start(String oddName) {
        client.schedule(Sleepy::pid, 0, JobOptions.named(oddName).every("1h"));
        client.schedule(Sleepy::pid, 1, JobOptions.named("cleanup").every("0 3 * * *"));
        client.schedule(Sleepy::pid, 2, JobOptions.named("every-10-minutes").every("10m"));
        unsigned.connect();
        unsigned.schedule(Sleepy::pid, 3); // refused by the worker: a dead letter
        AtomicInteger tick = new AtomicInteger();
        ticker.scheduleAtFixedRate(() -> {
            for (int i = 0; i < 6; i++) {
                client.schedule(Sleepy::sleep, 5 + ThreadLocalRandom.current().nextInt(40));
            }
            if (tick.incrementAndGet() % 20 == 0) {
                client.schedule(DashboardLoad::divide, 0, JobOptions.defaults().retries(1)
                        .backoff(Duration.ofMillis(10), Duration.ofMillis(10))); // fails twice
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        return this;
    }

    static int divide(int n) {
        return 10 / n;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        unsigned.close();
    }
}
