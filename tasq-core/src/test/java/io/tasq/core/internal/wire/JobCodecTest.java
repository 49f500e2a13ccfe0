package io.tasq.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.core.security.HmacSha256;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JobCodecTest {

    private final HmacSha256.Key key = HmacSha256.forKey("a-key-of-at-least-16-bytes");

    private JobEnvelope sample(byte[] bundle) {
        return new JobEnvelope("id-1", "näme", "client-1", 1_700_000_000_000L, 1_700_000_005_000L, "PT8S",
                Map.of("timeout", "5s"), "fory", new byte[] {1, 2, 3, 4, 5}, bundle == null ? null : new byte[32], bundle);
    }

    @Test
    void roundTripsEveryField() {
        byte[] bytes = JobCodec.encode(sample(new byte[] {9, 9}), key);
        SignedJob read = JobCodec.decode(bytes, 1 << 20);
        JobEnvelope job = read.job();
        assertThat(job.jobId()).isEqualTo("id-1");
        assertThat(job.name()).isEqualTo("näme");
        assertThat(job.replyTo()).isEqualTo("client-1");
        assertThat(job.createdAtMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(job.notBeforeMillis()).isEqualTo(1_700_000_005_000L);
        assertThat(job.schedule()).isEqualTo("PT8S");
        assertThat(job.options()).containsEntry("timeout", "5s");
        assertThat(job.payload()).containsExactly(1, 2, 3, 4, 5);
        assertThat(job.bundle()).containsExactly(9, 9);
        assertThat(read.algorithm()).isEqualTo("hmac-sha256");
        assertThat(read.keyId()).isEqualTo(key.keyId());
        assertThat(key.verify(read.keyId(), bytes, 0, read.signedLength(), read.signature())).isTrue();
    }

    @Test
    void theSignatureCoversEveryByteBeforeIt() {
        byte[] bytes = JobCodec.encode(sample(null), key);
        int signedLength = JobCodec.decode(bytes, 1 << 20).signedLength();
        for (int i = 0; i < signedLength; i++) {
            byte[] copy = bytes.clone();
            copy[i] ^= 0x20;
            SignedJob read;
            try {
                read = JobCodec.decode(copy, 1 << 20);
            } catch (InvalidEnvelopeException e) {
                continue; // the change broke the format: refused before any signature check
            }
            assertThat(key.verify(read.keyId(), copy, 0, read.signedLength(), read.signature()))
                    .as("flipping byte %d must break the signature", i).isFalse();
        }
    }

    @Test
    void unsignedEnvelopesSayNone() {
        SignedJob read = JobCodec.decode(JobCodec.encode(sample(null), null), 1 << 20);
        assertThat(read.unsigned()).isTrue();
        assertThat(read.signature()).isEmpty();
    }

    @Test
    void refusesLengthsBeyondTheLimitBeforeAllocating() {
        byte[] bytes = JobCodec.encode(new JobEnvelope("i", "n", "c", 0, 0, "", Map.of(), "fory", new byte[2048]),
                key);
        assertThatThrownBy(() -> JobCodec.decode(bytes, 1024)).isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("exceeds the limit of 1024");
    }

    @Test
    void refusesOtherVersionsAndKindsClearly() {
        byte[] bytes = JobCodec.encode(sample(null), key);
        bytes[2] = 9;
        assertThatThrownBy(() -> JobCodec.decode(bytes, 1 << 20)).hasMessageContaining("version 9 is not supported");
        assertThatThrownBy(() -> JobCodec.decode(new byte[] {'T', 'Q'}, 1 << 20)).hasMessageContaining("too short");
    }

    @Test
    void randomAndMutatedInputNeverCrashesHangsOrOverAllocates() {
        Random random = new Random(7);
        byte[] good = JobCodec.encode(sample(new byte[] {1}), key);
        for (int round = 0; round < 20_000; round++) {
            byte[] input;
            if (round % 2 == 0) {
                input = new byte[random.nextInt(200)];
                random.nextBytes(input);
            } else {
                input = good.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean()) {
                    input = java.util.Arrays.copyOf(input, random.nextInt(input.length + 1));
                }
            }
            try {
                SignedJob read = JobCodec.decode(input, 4096);
                assertThat(read.job().payload().length).isLessThanOrEqualTo(4096);
            } catch (InvalidEnvelopeException expected) {
                // refused cleanly
            }
        }
    }

    @Test
    void resultsRoundTrip() {
        ResultEnvelope r = new ResultEnvelope("j", "n", "c", "w", ResultStatus.FAILED, 2, 3, 42, 99, "fory",
                new byte[] {7});
        ResultEnvelope back = ResultCodec.decode(ResultCodec.encode(r), 1024);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);
    }

    @Test
    void remoteErrorsKeepClassMessageFramesAndCauses() {
        Exception e = new IllegalStateException("outer", new java.io.IOException("inner"));
        var remote = RemoteErrors.decode(RemoteErrors.encode(e));
        assertThat(remote.remoteType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(remote.getMessage()).isEqualTo("outer");
        assertThat(remote.getStackTrace()).isNotEmpty();
        assertThat(remote.getStackTrace()[0].getMethodName()).isEqualTo("remoteErrorsKeepClassMessageFramesAndCauses");
        assertThat(remote.getCause()).hasMessage("inner");
        assertThat(remote.getCause().toString()).isEqualTo("java.io.IOException: inner");
    }
}
