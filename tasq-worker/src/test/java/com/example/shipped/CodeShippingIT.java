package com.example.shipped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.Job;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.internal.shipping.Bundle;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.security.HmacSha256;
import io.tasq.internal.Call1;
import io.tasq.spi.Backend;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import io.tasq.worker.TqProcess;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker started from the tq distribution alone (its class path lacks every class of this
 * package) runs this package's jobs: the client ships their classes, signed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CodeShippingIT {

    private static final String KEY = "code-shipping-test-key-0123456789";

    private static TqProcess worker;
    private static String url;
    private static TasqClient client;

    @BeforeAll
    static void startWorker() throws Exception {
        url = "zmq://127.0.0.1:" + io.tasq.core.testkit.Ports.freePair();
        worker = TqProcess.start(Map.of("TASQ_SIGN_KEY", KEY), "worker", "--backend", url, "--workers", "2");
        worker.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
        client = Tasq.builder().url(url).setting("sign.key", KEY).client();
        client.connect();
    }

    @AfterAll
    static void stopWorker() throws Exception {
        client.close();
        assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
    }

    private static Object run(TasqFuture<?> f) {
        return f.unwrap(Duration.ofSeconds(30));
    }

    @Test
    void aCapturingLambdaRunsInTheWorkerProcess() {
        int base = 40;
        assertThat(run(client.schedule(n -> n + base, 2))).isEqualTo(42);
        Object pid = run(client.schedule(() -> ProcessHandle.current().pid()));
        assertThat(pid).isEqualTo(worker.pid()).isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aMethodReferenceToAStaticMethodOfAnApplicationClass() {
        assertThat(run(client.schedule(Greetings::greet, "Ada"))).isEqualTo("Hello, Ada!");
    }

    @Test
    void anApplicationRecordAsArgumentAndResult() {
        Object moved = run(client.schedule(p -> p.plus(new Point(1, 1)), new Point(1, 2)));
        assertThat(moved).isEqualTo(new Point(2, 3));
    }

    @Test
    void aJobWhoseCodeUsesAnotherApplicationClass() {
        assertThat(run(client.schedule(n -> Fibonacci.of(n), 20))).isEqualTo(6765L);
    }

    @Test
    void nestedAnonymousAndLocalClasses() {
        assertThat(run(client.submit(new Jobs.Shout("hey")))).isEqualTo("HEY!");
        assertThat(run(client.submit(Jobs.anonymous(3)))).isEqualTo("ababab");
    }

    @Test
    void twoVersionsOfAClassWithTheSameNameEachRunTheirOwn(@TempDir Path dir) throws Exception {
        Job<?> v1 = compileAnswer(dir.resolve("v1"), "one");
        Job<?> v2 = compileAnswer(dir.resolve("v2"), "two");
        assertThat(v1.getClass().getName()).isEqualTo(v2.getClass().getName());
        try (TasqClient other = Tasq.builder().url(url).setting("sign.key", KEY).client()) {
            other.connect();
            TasqFuture<?> a = client.submit(v1);
            TasqFuture<?> b = other.submit(v2);
            assertThat(run(a)).isEqualTo("answer one");
            assertThat(run(b)).isEqualTo("answer two");
            assertThat(run(client.submit(v1))).isEqualTo("answer one");
        }
    }

    /** Compiles {@code versioned.Answer}, a job returning "answer WORD", in its own class loader. */
    private static Job<?> compileAnswer(Path dir, String word) throws Exception {
        Path src = dir.resolve("versioned/Answer.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package versioned;\n"
                + "public class Answer implements io.tasq.Job<String> {\n"
                + "  private static final long serialVersionUID = 1L;\n"
                + "  public String call() { return \"answer " + word + "\"; }\n"
                + "}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String cp = System.getProperty("java.class.path");
        int rc = javac.run(null, null, null, "-classpath", cp + File.pathSeparator + manifestClassPath(cp),
                "-d", dir.toString(), src.toString());
        assertThat(rc).isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, CodeShippingIT.class.getClassLoader());
        return (Job<?>) loader.loadClass("versioned.Answer").getDeclaredConstructor().newInstance();
    }

    private static String manifestClassPath(String cp) throws Exception {
        if (!cp.endsWith(".jar") || cp.contains(File.pathSeparator)) {
            return "";
        }
        try (var jar = new java.util.jar.JarFile(cp)) {
            String entries = jar.getManifest().getMainAttributes().getValue("Class-Path");
            if (entries == null) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            for (String e : entries.split(" ")) {
                if (!e.isBlank()) {
                    sb.append(new File(new URL(new URL("file:" + cp), e).toURI()).getPath()).append(File.pathSeparator);
                }
            }
            return sb.toString();
        }
    }

    @Test
    void tamperedBundlesForeignKeysAndUnsignedJobsAreRefusedSilentlyAndTheWorkerKeepsServing() throws Exception {
        // a holder of the key, who alone can prove it to the worker and receive results on ZMQ
        Backend raw = Providers.backend(url, Settings.empty());
        raw.useCredentials(io.tasq.core.security.KeyCredentials.from(Settings.of(Map.of("sign.key", KEY), "test")));
        List<ResultEnvelope> answers = new CopyOnWriteArrayList<>();
        String me = "tamperer-" + System.nanoTime();
        JobProducer producer = raw.openProducer(me, body -> answers.add(ResultCodec.decode(body, 1 << 20)));
        try {
            var fory = Providers.serializer("fory").create(Settings.empty());
            int base = 5;
            Call1<Integer, Integer> job = new Call1<>(n -> n * base, 7);
            byte[] payload = fory.serialize(job);
            Bundle bundle = new io.tasq.core.internal.shipping.CodeShipper(Settings.empty()).bundleFor(job);
            assertThat(bundle).isNotNull();
            HmacSha256.Key key = HmacSha256.forKey(KEY);

            // a bundle the worker has not seen: it hashes the bytes and finds them altered
            java.util.Map<String, byte[]> classes = new java.util.HashMap<>(bundle.classes());
            classes.put("com.example.shipped.Nonce" + System.nanoTime(), new byte[] {1, 2, 3});
            Bundle fresh = Bundle.of(classes);
            byte[] bundleFlipped = JobCodec.encode(envelope("bundle-flip", me, payload, fresh), key);
            bundleFlipped[bundleFlipped.length - 10] ^= 1;
            // a bundle it already holds, by signed hash: the altered bytes are never read, the signed code runs
            run(client.schedule(n -> n * base, 1));
            byte[] cachedFlipped = JobCodec.encode(envelope("cached-flip", me, payload, bundle), key);
            cachedFlipped[cachedFlipped.length - 10] ^= 1;
            byte[] payloadFlipped = JobCodec.encode(envelope("payload-flip", me, payload, bundle), key);
            payloadFlipped[payloadFlipped.length - bundle.wire().length - 4 - 120] ^= 1; // inside the payload
            byte[] addressFlipped = JobCodec.encode(envelope("address-flip", me, payload, bundle), key);
            addressFlipped[60] ^= 1; // inside the reply address: the answer goes to a client that does not exist
            byte[] foreignKey = JobCodec.encode(envelope("foreign-key", me, payload, bundle),
                    HmacSha256.forKey("an-attackers-key-0123456789"));
            byte[] unsigned = JobCodec.encode(envelope("unsigned", me, payload, bundle), null);
            for (var e : Map.of("bundle-flip", bundleFlipped, "payload-flip", payloadFlipped, "foreign-key", foreignKey,
                    "unsigned", unsigned, "address-flip", addressFlipped, "cached-flip", cachedFlipped).entrySet()) {
                producer.send(new OutboundJob(e.getKey(), me, e.getValue(), 0));
            }
            // only the job whose cached bundle's bytes were altered runs (the signed hash names code the worker
            // holds, and the bytes are never read); the others are refused without a word to their sender
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= 1);
            ResultEnvelope cached = answers.get(0);
            assertThat(cached.jobId()).isEqualTo("cached-flip");
            assertThat(cached.status()).isEqualTo(ResultStatus.OK);
            assertThat(fory.deserialize(cached.payload(), getClass().getClassLoader(), c -> true)).isEqualTo(35);
            worker.awaitLine("code bundle does not match its signed hash", Duration.ofSeconds(30));
            worker.awaitLine("does not match its content", Duration.ofSeconds(30));
            worker.awaitLine("does not trust", Duration.ofSeconds(30));
            worker.awaitLine("is unsigned", Duration.ofSeconds(30));
            assertThat(answers).hasSize(1);
        } finally {
            producer.close();
            raw.close();
        }
        assertThat(run(client.schedule(n -> n * 5, 7))).isEqualTo(35);
    }

    private static JobEnvelope envelope(String id, String replyTo, byte[] payload, Bundle bundle) {
        return new JobEnvelope(id, id, replyTo, System.currentTimeMillis(), 0, "", Map.of(), "fory", payload,
                bundle.hash(), bundle.wire()).forQueue("default", System.currentTimeMillis() + 3_600_000);
    }
}
