package io.tasq.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.core.security.HmacSha256;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
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

    /** What flipping each signed byte of an envelope did: refused as malformed, or read and its signature checked. */
    private record Flips(int signedLength, Set<Integer> verified, Set<Integer> refused) {
    }

    /** Flips one bit (0x20) of each byte the signature covers, one byte at a time, and checks each copy. */
    private Flips flipEachSignedByte(JobEnvelope job) {
        byte[] bytes = JobCodec.encode(job, key);
        int signedLength = JobCodec.decode(bytes, 1 << 20).signedLength();
        Set<Integer> verified = new TreeSet<>();
        Set<Integer> refused = new TreeSet<>();
        for (int i = 0; i < signedLength; i++) {
            byte[] copy = bytes.clone();
            copy[i] ^= 0x20;
            SignedJob read;
            try {
                read = JobCodec.decode(copy, 1 << 20);
            } catch (InvalidEnvelopeException e) {
                refused.add(i); // the change broke the format: refused before any signature check
                continue;
            }
            assertThat(key.verify(read.keyId(), copy, 0, read.signedLength(), read.signature()))
                    .as("flipping byte %d must break the signature", i).isFalse();
            verified.add(i);
        }
        return new Flips(signedLength, verified, refused);
    }

    @Test
    void theSignatureCoversEveryByteBeforeIt() {
        Flips flips = flipEachSignedByte(sample(null));

        assertThat(flips.verified().size() + flips.refused().size()).isEqualTo(flips.signedLength());
        // the format is fixed byte for byte, so are these counts: of 126 signed bytes, the 29 refused as
        // malformed are the header's 4 (magic, version, kind) and the 25 of lengths and counts (ten
        // strings' 2, the payload's 4, the option count's 1); every other flip is read and caught
        assertThat(flips.signedLength()).isEqualTo(126);
        assertThat(flips.refused()).as("flips refused as malformed").hasSize(29);
        assertThat(flips.verified()).as("flips read and caught by the signature").hasSize(97);
    }

    @Test
    void theSignatureCoversTheBundleHashAndNotTheBundle() {
        byte[] hash = new byte[JobCodec.HASH_BYTES];
        for (int i = 0; i < hash.length; i++) {
            hash[i] = (byte) (0xA0 + i);
        }
        JobEnvelope job = new JobEnvelope("id-1", "näme", "client-1", 1_700_000_000_000L, 1_700_000_005_000L, "PT8S",
                Map.of("timeout", "5s"), "fory", new byte[] {1, 2, 3, 4, 5}, hash, new byte[] {9, 8, 7});
        Flips flips = flipEachSignedByte(job);

        assertThat(flips.verified().size() + flips.refused().size()).isEqualTo(flips.signedLength());
        // the 32 bytes of the hash add 32 flips that are read and caught, and nothing to refuse
        assertThat(flips.signedLength()).isEqualTo(126 + JobCodec.HASH_BYTES);
        assertThat(flips.refused()).as("flips refused as malformed").hasSize(29);
        assertThat(flips.verified()).as("flips read and caught by the signature").hasSize(97 + JobCodec.HASH_BYTES);
        // the hash comes right before the algorithm and key id: every one of its bytes is signed
        byte[] bytes = JobCodec.encode(job, key);
        int at = indexOf(bytes, hash);
        assertThat(at).isPositive().isLessThan(flips.signedLength() - JobCodec.HASH_BYTES);
        for (int i = at; i < at + JobCodec.HASH_BYTES; i++) {
            assertThat(flips.verified()).as("a flip of bundle hash byte %d is caught", i - at).contains(i);
        }
        // the bundle itself comes after the signature, checked against the hash instead
        assertThat(indexOf(bytes, new byte[] {9, 8, 7})).isGreaterThan(flips.signedLength());
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
