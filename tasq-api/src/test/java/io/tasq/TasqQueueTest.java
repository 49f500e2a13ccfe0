package io.tasq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.internal.FutureAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every put and putBlocking reaches the client's submit with the task bound to its arguments and the options given. */
class TasqQueueTest {

    /** Runs each job at once, in the caller's thread, unless told to leave it pending; records the options. */
    private static final class Running implements TasqClient {
        final List<JobOptions> options = new ArrayList<>();
        boolean answer = true;
        boolean connected;

        @Override
        public <R> TasqFuture<R> submit(Job<R> job, JobOptions opts) {
            options.add(opts);
            TasqFuture<R> f = FutureAccess.get().newFuture("j" + options.size(), "job", x -> { });
            if (answer) {
                try {
                    f.complete(job.call());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            return f;
        }

        @Override
        public String clientId() {
            return "c-test";
        }

        @Override
        public void connect() {
            connected = true;
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public Map<String, TasqFuture<?>> results() {
            return Map.of();
        }

        @Override
        public boolean cancel(String jobId) {
            return false;
        }

        @Override
        public Map<String, RecurringJob<?>> recurring() {
            return Map.of();
        }

        @Override
        public <R> RecurringJob<R> watchRecurring(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TasqFuture<List<RecurringInfo>> listRecurring() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TasqFuture<Boolean> cancelRecurring(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<PendingJob> pendingJobs() {
            return List.of();
        }

        @Override
        public void addWorker(String address) {
        }

        @Override
        public void disconnect() {
            connected = false;
        }
    }

    private final Running client = new Running();
    private final TasqQueue queue = new TasqQueue(client);
    private final JobOptions named = JobOptions.named("given");

    @Test
    void theQueueConnectsItsClientAndClosesIt() {
        assertThat(client.isConnected()).isTrue();
        queue.close();
        assertThat(client.isConnected()).isFalse();
    }

    @Test
    void putBindsEachArityToItsArgumentsWithTheDefaultOrGivenOptions() {
        assertThat(queue.put(() -> "0").join()).isEqualTo("0");
        assertThat(queue.put((String a) -> a, "1").join()).isEqualTo("1");
        assertThat(queue.put((String a, String b) -> a + b, "1", "2").join()).isEqualTo("12");
        assertThat(queue.put((String a, String b, String c) -> a + b + c, "1", "2", "3").join()).isEqualTo("123");
        assertThat(queue.put((String a, String b, String c, String d) -> a + b + c + d, "1", "2", "3", "4").join())
                .isEqualTo("1234");
        assertThat(queue.put(() -> "0", named).join()).isEqualTo("0");
        assertThat(queue.put((String a) -> a, "1", named).join()).isEqualTo("1");
        assertThat(queue.put((String a, String b) -> a + b, "1", "2", named).join()).isEqualTo("12");
        assertThat(queue.put((String a, String b, String c) -> a + b + c, "1", "2", "3", named).join())
                .isEqualTo("123");
        assertThat(queue.put((String a, String b, String c, String d) -> a + b + c + d, "1", "2", "3", "4", named)
                .join()).isEqualTo("1234");
        assertThat(client.options).containsExactly(JobOptions.defaults(), JobOptions.defaults(),
                JobOptions.defaults(), JobOptions.defaults(), JobOptions.defaults(), named, named, named, named, named);
    }

    @Test
    void putBlockingWaitsForTheValueOfEachArity() {
        assertThat(queue.putBlocking(() -> "0")).isEqualTo("0");
        assertThat(queue.putBlocking((String a) -> a, "1")).isEqualTo("1");
        assertThat(queue.putBlocking((String a, String b) -> a + b, "1", "2")).isEqualTo("12");
        assertThat(queue.putBlocking((String a, String b, String c) -> a + b + c, "1", "2", "3")).isEqualTo("123");
        assertThat(queue.putBlocking((String a, String b, String c, String d) -> a + b + c + d, "1", "2", "3", "4"))
                .isEqualTo("1234");
        assertThat(queue.putBlocking(() -> "0", named)).isEqualTo("0");
        assertThat(queue.putBlocking((String a) -> a, "1", named)).isEqualTo("1");
        assertThat(queue.putBlocking((String a, String b) -> a + b, "1", "2", named)).isEqualTo("12");
        assertThat(queue.putBlocking((String a, String b, String c) -> a + b + c, "1", "2", "3", named))
                .isEqualTo("123");
        assertThat(queue.putBlocking((String a, String b, String c, String d) -> a + b + c + d, "1", "2", "3", "4",
                named)).isEqualTo("1234");
        assertThat(client.options).hasSize(10).endsWith(named, named, named, named, named);
    }

    @Test
    void putBlockingWithATimeoutGivesUpOnAJobWithoutAnAnswer() {
        Duration wait = Duration.ofMillis(20);
        assertThat(queue.putBlocking(wait, () -> "0", named)).isEqualTo("0");
        assertThat(queue.putBlocking(wait, (String a) -> a, "1", named)).isEqualTo("1");
        assertThat(queue.putBlocking(wait, (String a, String b) -> a + b, "1", "2", named)).isEqualTo("12");
        assertThat(queue.putBlocking(wait, (String a, String b, String c) -> a + b + c, "1", "2", "3", named))
                .isEqualTo("123");
        assertThat(queue.putBlocking(wait, (String a, String b, String c, String d) -> a + b + c + d, "1", "2", "3",
                "4", named)).isEqualTo("1234");

        client.answer = false;
        assertThatThrownBy(() -> queue.putBlocking(wait, () -> "0", named)).isInstanceOf(WaitTimeoutException.class);
        assertThatThrownBy(() -> queue.putBlocking(wait, (String a) -> a, "1", named))
                .isInstanceOf(WaitTimeoutException.class);
        assertThatThrownBy(() -> queue.putBlocking(wait, (String a, String b) -> a + b, "1", "2", named))
                .isInstanceOf(WaitTimeoutException.class);
        assertThatThrownBy(() -> queue.putBlocking(wait, (String a, String b, String c) -> a + b + c, "1", "2", "3",
                named)).isInstanceOf(WaitTimeoutException.class);
        assertThatThrownBy(() -> queue.putBlocking(wait, (String a, String b, String c, String d) -> a + b + c + d,
                "1", "2", "3", "4", named)).isInstanceOf(WaitTimeoutException.class);
    }

    @Test
    void submitHandsTheJobObjectOnUnchanged() {
        Job<String> job = () -> "object";
        assertThat(queue.submit(job, named).join()).isEqualTo("object");
        assertThat(client.options).containsExactly(named);
    }
}
