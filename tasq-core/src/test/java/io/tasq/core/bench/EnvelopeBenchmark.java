package io.tasq.core.bench;

import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.core.security.HmacSha256;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The job envelope on the wire: encode (and HMAC-sign) on the client, decode on the worker; 100-byte payload. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeBenchmark {

    private HmacSha256.Key key;
    private JobEnvelope job;
    private byte[] encoded;

    @Setup
    public void setUp() {
        key = HmacSha256.forKey("benchmark-key-0123456789");
        job = new JobEnvelope("k3j9x2ab.1f", "k3j9x2ab.1f", "c-0123456789ab", 1_700_000_000_000L, 0, "", Map.of(),
                "fory", new byte[100]);
        encoded = JobCodec.encode(job, key);
    }

    @Benchmark
    public byte[] encodeSigned() {
        return JobCodec.encode(job, key);
    }

    @Benchmark
    public SignedJob decode() {
        return JobCodec.decode(encoded, JobCodec.DEFAULT_MAX_BYTES);
    }
}
