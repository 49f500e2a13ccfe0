package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.TestJobs;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three clients and two workers on one queue: every result reaches its sender, every job runs once. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedQueueTest {

    private static final int PER_CLIENT = 200;

    private final String url = TestRedis.url(TestRedis.newQueue());
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        TestRedis.deleteQueues(List.of(url));
    }

    private Worker worker() {
        Worker w = Worker.builder().backend(url).settings(TestKeys.worker()).concurrency(2).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    private TasqClient client() {
        TasqClient c = Tasq.builder().url(url).settings(TestKeys.client()).client();
        opened.add(c);
        c.connect();
        return c;
    }

    @Test
    void threeClientsTwoWorkersEveryResultAtItsSenderAndNoJobRunTwice() {
        Worker a = worker();
        Worker b = worker();
        List<TasqClient> clients = List.of(client(), client(), client());
        List<List<TasqFuture<TestJobs.Tagged>>> futures = new ArrayList<>();
        for (TasqClient c : clients) {
            List<TasqFuture<TestJobs.Tagged>> mine = new ArrayList<>();
            String me = c.clientId();
            for (int i = 0; i < PER_CLIENT; i++) {
                mine.add(c.schedule((who, n) -> {
                    LockSupport.parkNanos(500_000); // long enough that both workers get a share
                    return new TestJobs.Tagged(who, n);
                }, me, i));
            }
            futures.add(mine);
        }
        CompletableFuture.allOf(futures.stream().flatMap(List::stream).toArray(CompletableFuture[]::new))
                .orTimeout(90, TimeUnit.SECONDS).join();
        for (int c = 0; c < clients.size(); c++) {
            for (int i = 0; i < PER_CLIENT; i++) {
                assertThat(futures.get(c).get(i).join()).isEqualTo(new TestJobs.Tagged(clients.get(c).clientId(), i));
            }
        }
        assertThat(a.stats().succeeded() + b.stats().succeeded()).isEqualTo(3L * PER_CLIENT);
        assertThat(a.stats().received() + b.stats().received()).isEqualTo(3L * PER_CLIENT);
        assertThat(a.stats().succeeded()).isPositive();
        assertThat(b.stats().succeeded()).isPositive();
    }
}
