package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Delayed jobs wait in the broker, never in a worker, and never run early. */
class DelayedJobsTest extends BrokerTestSupport {

    @Test
    void aDelayedJobWaitsInTheBrokerAndRunsNoEarlierThanItsTime() throws Exception {
        String url = newQueueUrl();
        TasqClient client = connected(url);
        long start = System.currentTimeMillis();
        TasqFuture<Long> delayed = client.schedule(System::currentTimeMillis,
                JobOptions.named("later").delay(Duration.ofMillis(4_000)));
        long due = start + 4_000;
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pendingJobs().get(0).sent());
        // confirmed, and held by the broker in a delay queue, not in the job queue
        assertThat(messageCount("tasq." + TestBroker.nameOf(url) + ".jobs")).isZero();

        Worker worker = startWorker(url, 1);
        // a worker is there, and still the job is not handed to it before its time
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> worker.stats().received() == 0 || System.currentTimeMillis() >= due);
        assertThat(delayed.unwrap(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(due);
        // back from its delay queue (rounded down to two digits) a little early at most once, and deferred there again
        // by its signed time: never held by the worker
        assertThat(worker.stats().delayed()).isLessThanOrEqualTo(1);
        assertThat(delayed.result()).hasValueSatisfying(r -> assertThat(r.attempt()).isEqualTo(1));
    }

    @Test
    void manyDelaysEachRunNoEarlierThanItsOwnTime() {
        String url = newQueueUrl();
        startWorker(url, 4);
        TasqClient client = connected(url);
        long[] delays = {50, 333, 990, 1_010, 1_777, 2_345};
        List<TasqFuture<Long>> futures = new CopyOnWriteArrayList<>();
        long[] due = new long[delays.length];
        for (int i = delays.length - 1; i >= 0; i--) {
            due[i] = System.currentTimeMillis() + delays[i];
            futures.add(0, client.schedule(System::currentTimeMillis, JobOptions.defaults()
                    .delay(Duration.ofMillis(delays[i]))));
        }
        for (int i = 0; i < delays.length; i++) {
            assertThat(futures.get(i).unwrap(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(due[i]);
        }
    }

    @Test
    void aJobThatReachesTheJobQueueEarlyIsDeferredByItsSignedTimeNotRun() throws Exception {
        String url = newQueueUrl();
        String name = TestBroker.nameOf(url);
        Worker worker = startWorker(url, 1);
        List<ResultEnvelope> answers = new CopyOnWriteArrayList<>();
        closeLater(rawBackend(url).openProducer("early-bird", body -> answers.add(ResultCodec.decode(body, 1 << 20))));

        // as if a clock had jumped: a job due in 1.5 s already in the job queue, with no header saying so
        long due = System.currentTimeMillis() + 1_500;
        Forged.publish(name, "early", Map.of(), Forged.signedJob(name, "early", "early-bird", due));
        await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() == 1);
        ResultEnvelope r = answers.get(0);
        assertThat(r.status()).isEqualTo(ResultStatus.OK);
        assertThat(r.finishedAtMillis()).isGreaterThanOrEqualTo(due);
        assertThat(r.attempt()).isEqualTo(1);
        // received early, deferred to a delay queue (which may bring it back early once more), then run
        assertThat(worker.stats().delayed()).isGreaterThanOrEqualTo(1);
        assertThat(worker.stats().received()).isEqualTo(worker.stats().delayed() + 1);
    }
}
