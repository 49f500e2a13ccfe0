package io.tasq.core.bench;

import io.tasq.core.security.Ed25519;
import io.tasq.core.security.HmacSha256;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import io.tasq.spi.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Signing a 200-byte envelope and checking it, per algorithm. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SignerBenchmark {

    @Param({"hmac-sha256", "ed25519"})
    String algorithm;

    private Signer signer;
    private Verifier verifier;
    private final byte[] data = new byte[200];
    private byte[] signature;

    @Setup
    public void setUp() throws IOException {
        if (algorithm.equals(HmacSha256.ALGORITHM)) {
            HmacSha256.Key key = HmacSha256.forKey("benchmark-key-0123456789");
            signer = key;
            verifier = key;
        } else {
            Path dir = Files.createTempDirectory("tasq-bench-keys");
            Path[] files = Ed25519.generate(dir, "bench");
            Ed25519 provider = new Ed25519();
            signer = provider.signer(Settings.of(Map.of(Ed25519.PRIVATE_KEY_SETTING, files[0].toString()), "bench"))
                    .orElseThrow();
            verifier = provider.verifier(Settings.of(Map.of(Ed25519.PUBLIC_KEYS_SETTING, files[1].toString()), "bench"))
                    .orElseThrow();
        }
        signature = signer.sign(data, 0, data.length);
    }

    @Benchmark
    public byte[] sign() {
        return signer.sign(data, 0, data.length);
    }

    @Benchmark
    public boolean verify() {
        return verifier.verify(signer.keyId(), data, 0, data.length, signature);
    }
}
