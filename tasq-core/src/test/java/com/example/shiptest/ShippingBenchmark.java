package com.example.shiptest;

import io.tasq.Task1;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.core.internal.shipping.Bundle;
import io.tasq.core.internal.shipping.BundleCache;
import io.tasq.core.internal.shipping.CodeShipper;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.core.security.HmacSha256;
import io.tasq.internal.Call1;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost per job of code shipping, on both sides, against the same job sent without a bundle.
 * Client: serialize, find the bundle (cached by root classes), encode and sign. Worker: decode,
 * verify, look the bundle up by its signed hash (cached: not hashed or defined again), deserialize.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ShippingBenchmark {

    @Param({"false", "true"})
    boolean ship;

    private Serializer fory;
    private CodeShipper shipper;
    private HmacSha256.Key key;
    private BundleCache cache;
    private Call1<Integer, Integer> job;
    private byte[] envelope;
    private ClassPolicy policy;

    @Setup
    public void setUp() {
        fory = Providers.serializer("fory").create(Settings.empty());
        shipper = new CodeShipper(Settings.of(Map.of("ship.code", Boolean.toString(ship)), "bench"));
        key = HmacSha256.forKey("benchmark-key-0123456789");
        policy = ClassPolicy.of(List.of("com.example.**"));
        cache = new BundleCache(getClass().getClassLoader(), policy, 16,
                Duration.ofHours(1), Clock.systemUTC(), 1 << 24, l -> { });
        int base = 3;
        Task1<Integer, Integer> f = n -> Helpers.square(n) + base;
        job = new Call1<>(f, 7);
        envelope = clientSide();
    }

    @Benchmark
    public byte[] clientSide() {
        byte[] payload = fory.serialize(job);
        Bundle b = shipper.bundleFor(job);
        return JobCodec.encode(new JobEnvelope("job-1", "job-1", "client-1", 1L, 0, "", Map.of(), "fory", payload,
                b == null ? null : b.hash(), b == null ? null : b.wire()), key);
    }

    @Benchmark
    public Object workerSide() {
        SignedJob s = JobCodec.decode(envelope, 1 << 24);
        if (!key.verify(s.keyId(), s.encoded(), 0, s.signedLength(), s.signature())) {
            throw new IllegalStateException("bad signature");
        }
        if (s.job().bundle() != null) {
            BundleCache.Loaded l = cache.load(s.job().bundleHash(), s.job().bundle());
            return fory.deserialize(s.job().payload(), l.loader(), l.filter());
        }
        return fory.deserialize(s.job().payload(), getClass().getClassLoader(), policy);
    }
}
