package io.tasq.core.bench;

import io.tasq.Task1;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendCapability;
import io.tasq.spi.ConsumerOptions;
import io.tasq.spi.JobConsumer;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.Providers;
import io.tasq.spi.ResultListener;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The client's bookkeeping for one job, with no transport: serialize, sign, encode, keep the future,
 * then take a result (answered at once by a loopback backend), decode it and complete the future.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ClientBenchmark {

    private static final Task1<Integer, Integer> TWICE = n -> n * 2;

    private TasqClient client;

    @Setup
    public void setUp() {
        client = Tasq.builder().backend(new Loopback()).setting("sign.key", "benchmark-key-0123456789").client();
        client.connect();
    }

    @TearDown
    public void tearDown() {
        client.disconnect();
    }

    @Benchmark
    public Integer submitAndComplete() {
        return client.schedule(TWICE, 21).join();
    }

    /** A backend whose producer answers every job at once with the result 42. */
    static final class Loopback implements Backend {
        private final Serializer fory = Providers.serializer("fory").create(Settings.empty());
        private final byte[] value = fory.serialize(42);

        @Override
        public String queue() {
            return "default";
        }

        @Override
        public String describe() {
            return "loopback";
        }

        @Override
        public Set<BackendCapability> capabilities() {
            return Set.of();
        }

        @Override
        public JobProducer openProducer(String clientId, ResultListener listener) {
            return new JobProducer() {
                @Override
                public CompletionStage<Void> send(OutboundJob job) {
                    SignedJob s = JobCodec.decode(job.body(), JobCodec.DEFAULT_MAX_BYTES);
                    listener.onResult(ResultCodec.encode(ResultEnvelope.succeeded(new ResultEnvelope.Origin(
                            job.jobId(), s.job().name(), clientId, "w-bench", 1, 0), 0, 1000, "fory", value)));
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public JobConsumer openConsumer(ConsumerOptions options) {
            throw new UnsupportedOperationException("loopback has no workers");
        }

        @Override
        public void close() {
        }
    }
}
