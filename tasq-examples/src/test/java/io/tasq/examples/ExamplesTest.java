package io.tasq.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every example runs to its end and prints what its documentation says. */
class ExamplesTest {

    interface Main {
        void run(String[] args) throws Exception;
    }

    private final PrintStream realOut = System.out;

    @AfterEach
    void restore() {
        System.setOut(realOut);
    }

    private String run(Main main) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(90), () -> main.run(new String[0]));
        } finally {
            System.setOut(realOut);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        realOut.print(out);
        return out;
    }

    @Test
    void quickstartZmq() {
        assertThat(run(QuickstartZmq::main)).contains("task-01 -> 10");
    }

    @Test
    void quickstartRedis() {
        System.setProperty("TASQ_EXAMPLE_REDIS_URL", System.getenv().getOrDefault("TASQ_TEST_REDIS_URL",
                "redis://127.0.0.1:6379/0") + "?name=examples-" + System.nanoTime());
        assertThat(run(QuickstartRedis::main)).contains("task-01 -> 10");
    }

    @Test
    void quickstartRabbitMq() {
        System.setProperty("TASQ_EXAMPLE_AMQP_URL", System.getenv().getOrDefault("TASQ_TEST_AMQP_URL",
                "amqp://guest:guest@127.0.0.1:5672/%2f") + "?name=examples-" + System.nanoTime());
        assertThat(run(QuickstartRabbitMq::main)).contains("task-01 -> 10");
    }

    @Test
    void embeddedWorker() {
        System.setProperty("TASQ_EXAMPLE_REDIS_URL", System.getenv().getOrDefault("TASQ_TEST_REDIS_URL",
                "redis://127.0.0.1:6379/0") + "?name=examples-" + System.nanoTime());
        assertThat(run(EmbeddedWorker::main)).contains("squares -> [1, 4, 9, 16, 25]").contains("ran 5 jobs")
                .contains("failure: none");
    }

    @Test
    void clientApi() {
        assertThat(run(ClientApi::main)).contains("Task-2 blocking: Foo - ").contains("Task-1 result: Foo - ")
                .contains("results: {Task-1=").contains("pending: []");
    }

    @Test
    void delayedJobs() {
        assertThat(run(DelayedJobs::main)).contains("Delayed-Task is done? false").containsPattern("Delayed-Task ran after \\d{4}");
    }

    @Test
    void intervalJobs() {
        assertThat(run(IntervalJobs::main)).contains("run 1 at").contains("run 3 at").contains("cancelled: true");
    }

    @Test
    void cronJobs() {
        assertThat(run(CronJobs::main)).contains("cron run 1: ").contains("cancelled by name: true");
    }

    @Test
    void processWorker() {
        assertThat(run(ProcessWorker::main)).contains("a job that exits: ").contains("exit code 1")
                .contains("and the worker goes on");
    }

    @Test
    void signingAndShipping() {
        assertThat(run(SigningAndShipping::main)).contains("Invoice[customer=ACME, amount=122.0]")
                .contains("signed by mallory: refused, never answered").contains("client.job-timeout");
    }

    @Test
    void lifecycle() {
        assertThat(run(Lifecycle::main)).contains("upload done on call 3 (attempt 3")
                .contains("slow: ").contains("time limit").contains("endless: cancelled = true");
    }
}
