package io.tasq.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.internal.wire.Control;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.security.HmacSha256;
import io.tasq.core.worker.Worker;
import io.tasq.internal.Call1;
import io.tasq.spi.Backend;
import io.tasq.spi.Broadcast;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.JobProducer;
import io.tasq.spi.Limits;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a backend must withstand from whoever can reach its transport (DESIGN.md section 5): bytes
 * that are not a job, jobs not signed by a trusted key, captured jobs sent again, oversize messages,
 * forged requests. For each, the worker refuses it, runs nothing, tells no client, and keeps serving.
 * A backend's test extends this class (named {@code Hostile*Test}) and says how to make a queue URL.
 *
 * <p>The attacker here holds no trusted key: it writes to the transport through a backend that was
 * given no credentials, as anyone who can reach the ports or the broker can. What only a brokerless
 * transport must add (results and operator requests only to peers that proved a key; on a broker its
 * own access control guards them) is tested by that backend's subclass.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class HostileContractTest {

    /** The largest envelope the workers here accept: small, so that oversize is cheap to send. */
    protected static final int MAX_BYTES = 64 * 1024;
    private static final int FUZZED = 10_000;
    private static final Signer TRUSTED = HmacSha256.forKey(TestKeys.KEY);
    private static final Signer FOREIGN = HmacSha256.forKey("a-key-no-worker-trusts-0123456789");

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Map<String, JobProducer> intruders = new HashMap<>();
    /** Whatever any intruder's producer received: results must never reach it. */
    private final List<byte[]> intruderMail = new CopyOnWriteArrayList<>();
    private final Serializer fory = Providers.serializer("fory").create(Settings.empty());

    /** A URL for a queue no other test uses. Each call returns a new one. */
    protected abstract String newQueueUrl();

    /** Whether several workers can consume one queue (false on ZMQ, where a worker owns its port). */
    protected boolean sharedQueue() {
        return true;
    }

    /**
     * Whether every worker of a queue shares one memory of the jobs taken (the backend offers a
     * {@link io.tasq.spi.ReplayGuard}), so a replay is refused by any of them; otherwise by the worker
     * that took the job.
     */
    protected boolean sharedReplayMemory() {
        return false;
    }

    /** Closes {@code c} after the test. */
    protected <T extends AutoCloseable> T closeLater(T c) {
        opened.add(c);
        return c;
    }

    protected Settings workerSettings() {
        return TestKeys.worker().with(Limits.MAX_BYTES_SETTING, Integer.toString(MAX_BYTES), "test");
    }

    protected Worker startWorker(String url, int concurrency) {
        Worker w = Worker.builder().backend(url).settings(workerSettings()).concurrency(concurrency).build().start();
        opened.add(() -> w.stop(Duration.ofSeconds(5)));
        return w;
    }

    protected TasqClient connected(String url) {
        TasqClient c = Tasq.builder().url(url).settings(TestKeys.client()).client();
        opened.add(c);
        c.connect();
        return c;
    }

    /** A backend as the attacker has it: no keys. */
    protected Backend rawBackend(String url) {
        Backend b = Providers.backend(url, Settings.empty());
        opened.add(b);
        return b;
    }

    /** Puts {@code body} on the queue's transport as a job, the way anyone who can reach it can. */
    protected void inject(String url, String jobId, String replyTo, byte[] body) {
        JobProducer p = intruders.computeIfAbsent(url, u -> {
            JobProducer producer = rawBackend(u).openProducer("intruder-" + Long.toHexString(new Random().nextLong()),
                    intruderMail::add);
            opened.add(producer);
            return producer;
        });
        p.send(new OutboundJob(jobId, replyTo, body, 0));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (RuntimeException e) {
                // the next one is closed all the same
            }
        }
        opened.clear();
        intruders.clear();
    }

    private String queueOf(String url) {
        return rawBackend(url).queue();
    }

    /** A job envelope that counts a call of {@code token} when it runs. */
    private byte[] counting(String url, String jobId, String replyTo, String token, Signer signer, long expiresAt) {
        return envelope(queueOf(url), jobId, replyTo, new Call1<>((String t) -> TestJobs.count(t), token), signer,
                expiresAt);
    }

    private byte[] envelope(String queue, String jobId, String replyTo, Object job, Signer signer, long expiresAt) {
        long now = System.currentTimeMillis();
        return JobCodec.encode(new JobEnvelope(jobId, jobId, replyTo, now, 0, "", Map.of(), "fory",
                fory.serialize(job)).forQueue(queue, expiresAt), signer);
    }

    private static long inAnHour() {
        return System.currentTimeMillis() + Duration.ofHours(1).toMillis();
    }

    private static long sum(List<Worker> workers, ToLongFunction<Worker> count) {
        return workers.stream().mapToLong(count).sum();
    }

    private void assertDeadLettersBounded(String url) {
        Backend operator = Providers.backend(url, Settings.empty());
        operator.useCredentials(io.tasq.core.security.KeyCredentials.from(workerSettings()));
        opened.add(operator);
        DeadLetters dead = operator.feature(DeadLetters.class).orElseThrow(() -> new AssertionError("every backend keeps dead letters"));
        List<DeadLetter> letters = dead.list(Limits.DEFAULT_MAX_DEAD_LETTERS + 10);
        assertThat(letters.size()).as("dead letters are capped").isLessThanOrEqualTo(Limits.DEFAULT_MAX_DEAD_LETTERS);
        assertThat(letters).allSatisfy(d -> assertThat(d.envelope().length)
                .as("a refused message is kept truncated").isLessThanOrEqualTo(Limits.REFUSED_BYTES_KEPT));
    }

    @Test
    void forgedTamperedAndFuzzedEnvelopesAreRefusedNothingRunsAndNoClientIsTold() {
        String url = newQueueUrl();
        Worker worker = startWorker(url, 2);
        TasqClient victim = connected(url);
        // pending for the whole test without holding an actor: waiting for its time
        TasqFuture<String> held = victim.schedule(() -> "later", JobOptions.named("victim").delay(Duration.ofHours(1)));

        // every forgery names the victim's pending job and client: a reply would fail its future
        String jobId = held.jobId();
        String client = victim.clientId();
        String token = "hostile-forged-" + System.nanoTime();
        byte[] valid = counting(url, jobId, client, token, TRUSTED, inAnHour());
        List<byte[]> forged = new ArrayList<>();
        forged.add(counting(url, jobId, client, token, null, inAnHour()));               // unsigned
        forged.add(counting(url, jobId, client, token, FOREIGN, inAnHour()));            // untrusted key
        forged.add(counting(url, jobId, client, token, TRUSTED, System.currentTimeMillis() - 1)); // expired
        forged.add(envelope("another-queue", jobId, client, new Call1<>((String t) -> TestJobs.count(t), token),
                TRUSTED, inAnHour()));                                                   // signed for another queue
        forged.add(new byte[0]);
        for (int at = 0; at < valid.length; at += Math.max(1, valid.length / 64)) {
            byte[] flipped = valid.clone();
            flipped[at] ^= 0x5a;
            forged.add(flipped);
            forged.add(Arrays.copyOf(valid, at));
        }
        Random random = new Random(15);
        while (forged.size() < FUZZED) {
            byte[] f;
            switch (random.nextInt(3)) {
                case 0 -> {
                    f = valid.clone();
                    for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                        f[random.nextInt(f.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                case 1 -> f = Arrays.copyOf(valid, random.nextInt(valid.length));
                default -> {
                    f = new byte[random.nextInt(600)];
                    random.nextBytes(f);
                }
            }
            if (!Arrays.equals(f, valid)) {
                forged.add(f);
            }
        }
        for (byte[] f : forged) {
            inject(url, jobId, client, f);
        }
        await().atMost(Duration.ofSeconds(150)).until(() -> worker.stats().rejected() >= forged.size());

        assertThat(TestJobs.calls(token)).as("no forged job ran").isZero();
        assertThat(held).as("no refusal reached the victim's future").isNotDone();
        assertThat(intruderMail).as("nothing was sent to the intruder").isEmpty();
        assertDeadLettersBounded(url);

        assertThat(victim.scheduleBlocking(Duration.ofSeconds(30), () -> "still serving", JobOptions.defaults()))
                .isEqualTo("still serving");
        held.cancel(true);
    }

    @Test
    void anOversizeMessageIsRefusedAndTheWorkerKeepsServing() {
        String url = newQueueUrl();
        startWorker(url, 1);
        TasqClient client = connected(url);
        byte[] huge = new byte[(int) Limits.maxMessageBytes(MAX_BYTES) * 4];
        new Random(6).nextBytes(huge);
        inject(url, "huge", "nobody", huge);
        String token = "hostile-after-huge-" + System.nanoTime();
        byte[] big = counting(url, "big-" + token, "nobody", token, TRUSTED, inAnHour());
        byte[] oversizeSigned = Arrays.copyOf(big, big.length + 2 * MAX_BYTES); // over the limit, and bad
        inject(url, "big-" + token, "nobody", oversizeSigned);
        assertThat(client.scheduleBlocking(Duration.ofSeconds(60), () -> "served", JobOptions.defaults()))
                .isEqualTo("served");
        assertThat(TestJobs.calls(token)).isZero();
        assertDeadLettersBounded(url);
    }

    @Test
    void aCapturedJobRunsOnceHoweverOftenAndWhereverItIsSentAgain() {
        String url = newQueueUrl();
        List<Worker> workers = new ArrayList<>();
        workers.add(startWorker(url, 2));
        if (sharedQueue() && sharedReplayMemory()) {
            workers.add(startWorker(url, 2));
        }
        String token = "hostile-replay-" + System.nanoTime();
        byte[] captured = counting(url, "captured-" + token, "someone", token, TRUSTED, inAnHour());
        inject(url, "captured-" + token, "someone", captured);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestJobs.calls(token) == 1);
        for (int i = 0; i < 5; i++) {
            inject(url, "captured-" + token, "someone", captured);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sum(workers, w -> w.stats().duplicates()) >= 5);

        // sent to another queue, where its signature says it does not belong
        String other = newQueueUrl();
        Worker elsewhere = startWorker(other, 1);
        inject(other, "captured-" + token, "someone", captured);
        await().atMost(Duration.ofSeconds(60)).until(() -> elsewhere.stats().rejected() >= 1);
        assertThat(TestJobs.calls(token)).as("the captured job ran once").isEqualTo(1);
    }

    @Test
    void aCancelNotSignedByATrustedKeyIsRefusedAndTheJobRunsOn() {
        String url = newQueueUrl();
        // the held job keeps its actor busy: the forged cancels go to the idle ones
        Worker worker = Worker.builder().backend(url).settings(workerSettings()
                .with("worker.router", "smallest-mailbox", "test")).concurrency(4).build().start();
        opened.add(() -> worker.stop(Duration.ofSeconds(5)));
        TasqClient victim = connected(url);
        String hold = "hostile-cancel-" + System.nanoTime();
        TasqFuture<String> held = victim.schedule(t -> {
            TestJobs.holdUntilReleased(t);
            return "finished";
        }, hold, JobOptions.defaults());
        await().atMost(Duration.ofSeconds(60)).until(() -> TestJobs.calls(hold + ":started") == 1);
        String queue = queueOf(url);
        long now = System.currentTimeMillis();
        for (Signer signer : Arrays.asList(null, FOREIGN)) {
            String id = "forged-cancel-" + (signer == null ? "unsigned" : "foreign");
            byte[] cancel = JobCodec.encode(new JobEnvelope(id, id, victim.clientId(), now, 0, "",
                    Control.cancelJob(held.jobId()), "fory", new byte[0]).forQueue(queue, inAnHour()), signer);
            rawBackend(url).openProducer("intruder-" + id, intruderMail::add).feature(Broadcast.class)
                    .ifPresent(b -> b.broadcast(cancel));
            inject(url, id, victim.clientId(), cancel);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().rejected() >= 2);
        assertThat(held).isNotDone();
        TestJobs.release(hold);
        assertThat(held.unwrap(Duration.ofSeconds(30))).isEqualTo("finished");
        assertThat(TestJobs.calls(hold + ":interrupted")).isZero();
    }

    @Test
    void anUntrustedJobsArgumentsAreNeverDeserializedSoTheirCodeNeverRuns() {
        String url = newQueueUrl();
        Worker worker = startWorker(url, 1);
        String queue = queueOf(url);
        int before = Trap.SPRUNG.get();
        byte[] untrusted = envelope(queue, "trap-untrusted", "nobody", new Call1<>((Trap t) -> t.marker,
                new Trap("untrusted")), FOREIGN, inAnHour());
        inject(url, "trap-untrusted", "nobody", untrusted);
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().rejected() >= 1);
        assertThat(Trap.SPRUNG.get()).as("the trap's readResolve never ran").isEqualTo(before);

        // the same job signed with the trusted key is read, trap and all: the test can see a trap spring
        TasqClient client = connected(url);
        TasqFuture<String> trusted = client.schedule((Trap t) -> t.marker, new Trap("trusted"));
        assertThat(trusted.unwrap(Duration.ofSeconds(30))).isEqualTo("trusted");
        assertThat(Trap.SPRUNG.get()).isGreaterThan(before);
    }
}
