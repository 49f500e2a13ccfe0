package io.tasq.core.bench;

import io.tasq.Task2;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.internal.Call2;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Fory on a job: a capturing lambda with two arguments, serialized by the client, read back by a worker. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializerBenchmark {

    private Serializer fory;
    private ClassPolicy policy;
    private Call2<Integer, String, String> job;
    private byte[] bytes;

    @Setup
    public void setUp() {
        fory = Providers.serializer("fory").create(Settings.empty());
        policy = ClassPolicy.of(List.of("io.tasq.core.bench.**"));
        String prefix = "job-";
        int base = 42;
        Task2<Integer, String, String> task = (n, s) -> prefix + s + (n + base);
        job = new Call2<>(task, 7, "seven");
        bytes = fory.serialize(job);
    }

    @Benchmark
    public byte[] serialize() {
        return fory.serialize(job);
    }

    @Benchmark
    public Object deserialize() {
        return fory.deserialize(bytes, SerializerBenchmark.class.getClassLoader(), policy);
    }
}
