package io.tasq.core.worker;

import io.tasq.ConfigurationException;
import io.tasq.core.config.Config;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.core.internal.shipping.BundleCache;
import io.tasq.core.security.KeyCredentials;
import io.tasq.core.security.SignatureCheck;
import io.tasq.core.security.Signing;
import io.tasq.spi.Backend;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/** Builds a {@link Worker}: {@code Worker.builder()}. Not thread-safe. */
public final class WorkerBuilder {
    String id;
    Backend backend;
    boolean ownsBackend;
    String url;
    Settings settings = Settings.empty();
    Integer concurrency;
    RoutingStrategy strategy;
    SignatureCheck signatures;
    Boolean insecure;
    Serializer serializer;
    ClassPolicy classes;
    Clock clock = Clock.systemUTC();
    int maxBytes;
    Duration shutdownTimeout;
    Boolean codeShipping;
    int maxBundles;
    Duration bundleIdle;
    WorkerType workerType;
    String childHeap;
    Duration schedulerPeriod = Duration.ofMillis(100);
    int maxCrashes;
    int replayMemory;
    Duration timeoutGrace;
    Duration heartbeatInterval;
    io.micrometer.core.instrument.MeterRegistry registry = io.micrometer.core.instrument.Metrics.globalRegistry;

    WorkerBuilder() {
    }

    /** The backend URL, for example {@code zmq://127.0.0.1:9000}. */
    public WorkerBuilder backend(String url) {
        this.url = Objects.requireNonNull(url, "url == null");
        return this;
    }

    /** An explicit backend; the worker does not close it. */
    public WorkerBuilder backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend == null");
        return this;
    }

    /** Settings (see {@link Config#KNOWN}); flags and explicit setters win over them. */
    public WorkerBuilder settings(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings == null");
        return this;
    }

    /** The worker's id; default host, pid and a random suffix. */
    public WorkerBuilder id(String id) {
        this.id = Objects.requireNonNull(id, "id == null");
        return this;
    }

    /** Jobs run at once; default {@code worker.concurrency}, else the number of CPUs. */
    public WorkerBuilder concurrency(int concurrency) {
        if (concurrency < 1) {
            throw new ConfigurationException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
        return this;
    }

    /** How jobs are spread over actors; default {@code worker.router}, else round robin. */
    public WorkerBuilder router(RoutingStrategy strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy == null");
        return this;
    }

    /** The trusted keys; default from the settings ({@code sign.key}, {@code sign.public-keys}). */
    public WorkerBuilder signatures(SignatureCheck signatures) {
        this.signatures = Objects.requireNonNull(signatures, "signatures == null");
        return this;
    }

    /** Whether unsigned jobs are accepted; default {@code worker.insecure}, else {@code false}. */
    public WorkerBuilder insecure(boolean insecure) {
        this.insecure = insecure;
        return this;
    }

    /** The serializer; default the one named by {@code serializer}. */
    public WorkerBuilder serializer(Serializer serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer == null");
        return this;
    }

    /**
     * The classes jobs may deserialize besides Tasq's own and the JDK's safe ones, as patterns:
     * {@code com.acme.Order}, {@code com.acme.*} (a package), {@code com.acme.**} (and its
     * subpackages); default from {@code worker.allow-classes}.
     */
    public WorkerBuilder allowClasses(List<String> patterns) {
        this.classes = ClassPolicy.of(Objects.requireNonNull(patterns, "patterns == null"));
        return this;
    }

    /**
     * Whether the worker defines the classes jobs ship (in an isolated loader per bundle); when
     * off it runs only code on its class path. Default {@code worker.code-shipping}, else on.
     */
    public WorkerBuilder codeShipping(boolean enabled) {
        this.codeShipping = enabled;
        return this;
    }

    /** Where jobs run; default {@code worker.type}, else actors. */
    public WorkerBuilder type(WorkerType type) {
        this.workerType = Objects.requireNonNull(type, "type == null");
        return this;
    }

    /** Where the worker's meters go; default Micrometer's global registry. */
    public WorkerBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry == null");
        return this;
    }

    /** The clock for delays and timestamps; default the system clock. */
    public WorkerBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
        return this;
    }

    /**
     * The worker.
     *
     * @throws ConfigurationException if a setting is wrong, or the worker has no key and is not
     *     insecure
     */
    public Worker build() {
        Config.check(settings);
        if (backend == null) {
            if (url == null) {
                throw new ConfigurationException("a worker needs a backend URL, for example zmq://127.0.0.1:9000");
            }
            backend = Providers.backend(url, settings);
            ownsBackend = true;
        }
        if (id == null) {
            id = settings.get("worker.id").orElseGet(WorkerBuilder::defaultId);
        }
        if (concurrency == null) {
            concurrency = settings.getInt("worker.concurrency", Runtime.getRuntime().availableProcessors(), 1, 10_000);
        }
        if (strategy == null) {
            strategy = RoutingStrategy.parse(settings.get("worker.router", "round-robin"));
        }
        boolean acceptUnsigned = insecure != null ? insecure : settings.getBoolean("worker.insecure", false);
        if (signatures == null) {
            signatures = Signing.check(settings, acceptUnsigned);
        }
        if (!signatures.hasKeys() && !signatures.acceptsUnsigned()) {
            throw new ConfigurationException("the worker has no key to verify jobs with: set TASQ_SIGN_KEY (or "
                    + "--sign-key / sign.key) to the clients' shared key, or sign.public-keys to their Ed25519 "
                    + "public keys; or start it with --insecure to accept unsigned jobs (never in production)");
        }
        backend.useCredentials(new KeyCredentials(ownSigner(settings), signatures));
        if (serializer == null) {
            serializer = Providers.serializer(settings.get("serializer", "fory")).create(settings);
        }
        if (classes == null) {
            classes = ClassPolicy.parse(settings.get(ClassPolicy.ALLOW_SETTING, ""));
        }
        maxBytes = settings.getInt("envelope.max-bytes", 64 << 20, 1024, Integer.MAX_VALUE - 64);
        shutdownTimeout = settings.getDuration("worker.shutdown-timeout", Duration.ofSeconds(30));
        if (codeShipping == null) {
            codeShipping = settings.getBoolean("worker.code-shipping", true);
        }
        maxBundles = settings.getInt("worker.max-bundles", 256, 1, 1_000_000);
        bundleIdle = settings.getDuration("worker.bundle-idle", Duration.ofMinutes(30));
        if (workerType == null) {
            workerType = WorkerType.parse(settings.get("worker.type", "actor"));
        }
        maxCrashes = settings.getInt("worker.max-crashes", 3, 0, 1000);
        replayMemory = settings.getInt("worker.replay-memory", 200_000, 1_000, 100_000_000);
        timeoutGrace = settings.getDuration("worker.timeout-grace", Duration.ofSeconds(2));
        heartbeatInterval = settings.getDuration("worker.heartbeat", Duration.ofSeconds(2));
        if (heartbeatInterval.toMillis() < 100) {
            throw settings.bad("worker.heartbeat", heartbeatInterval.toString(), "is under 100ms");
        }
        childHeap = settings.get("worker.child-heap", "256m").strip();
        if (!childHeap.matches("\\d+[kKmMgG]?")) {
            throw settings.bad("worker.child-heap", childHeap, "is not a heap size; use for example 256m or 1g");
        }
        return new Worker(this);
    }

    /**
     * Where the built worker runs its jobs, made when it starts (from this builder's values now: a
     * later change to the builder does not reach it): in child JVMs, or on its actors (with the code
     * bundles jobs ship, when code shipping is on).
     */
    Function<Counters, Execution> executions() {
        String workerId = id;
        int processes = concurrency;
        Serializer ser = serializer;
        ClassPolicy allowed = classes;
        Clock time = clock;
        int bytes = maxBytes;
        int bundleCount = maxBundles;
        Duration idle = bundleIdle;
        boolean shipping = codeShipping;
        if (workerType == WorkerType.PROCESS) {
            ProcessExecution.ChildOptions child = childOptions();
            return stats -> new ProcessExecution(workerId, processes, child, stats);
        }
        return stats -> {
            ClassLoader loader = Worker.class.getClassLoader();
            BundleCache bundles = shipping ? new BundleCache(loader, allowed, bundleCount, idle, time, bytes,
                    ser::forget) : null;
            return new LocalExecution(workerId, ser, loader, allowed, bundles, time, stats);
        };
    }

    /** How a process worker starts its child JVMs: this JVM's java and class path, and the worker's settings. */
    private ProcessExecution.ChildOptions childOptions() {
        java.util.List<String> childSettings = java.util.List.of("serializer=" + serializer.name(),
                ClassPolicy.ALLOW_SETTING + "=" + classes.patterns(),
                "worker.code-shipping=" + codeShipping, "worker.max-bundles=" + maxBundles,
                "worker.bundle-idle=" + bundleIdle, "envelope.max-bytes=" + maxBytes);
        return new ProcessExecution.ChildOptions(System.getProperty("java.home"),
                System.getProperty("java.class.path"), childHeap, childSettings);
    }

    /**
     * The key the worker's settings name for signing, if any: a backend shared with a client in the
     * same process (tests, embedders) keeps proving the client's key after the worker set it up.
     */
    private static io.tasq.spi.Signer ownSigner(Settings settings) {
        try {
            return io.tasq.core.security.Signing.signer(settings).orElse(null);
        } catch (ConfigurationException e) {
            return null;
        }
    }

    static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "localhost";
            }
        }
        return host;
    }

    private static String defaultId() {
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        return "w-" + host + "-" + pid + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }
}
