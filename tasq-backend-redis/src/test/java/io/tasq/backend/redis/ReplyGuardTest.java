package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The guard sees a reply's lengths before the client does: it passes replies within the limits
 * byte for byte, and breaks off one that announces a longer string or array, or more bytes, than
 * expected, before the first byte of it is handed on.
 */
class ReplyGuardTest {

    private static final ReplyGuard.Limits LIMITS = new ReplyGuard.Limits(10, 4, 100);

    private static byte[] resp(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads everything through a guard, in reads of {@code chunk} bytes. */
    private static byte[] through(byte[] wire, ReplyGuard.Limits limits, int chunk) throws IOException {
        InputStream in = new ReplyGuard(new ByteArrayInputStream(wire), limits);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[chunk];
        int n;
        while ((n = in.read(buf, 0, chunk)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void repliesWithinTheLimitsPassUnchangedWhateverTheReadSize() throws IOException {
        byte[] wire = resp("*3\r\n$5\r\nhello\r\n*2\r\n:42\r\n$-1\r\n+OK\r\n" // one reply: nested, null
                + "-ERR something long enough to be over the string limit\r\n" // an error line is no string
                + "*-1\r\n$0\r\n\r\n:7\r\n" + "$10\r\n0123456789\r\n");
        for (int chunk : new int[] {1, 3, 7, 8192}) {
            assertThat(through(wire, LIMITS, chunk)).isEqualTo(wire);
        }
    }

    @Test
    void aStringLongerThanExpectedIsRefusedBeforeItsContent() {
        byte[] wire = resp("*1\r\n$11\r\nhello world\r\n");
        assertThatThrownBy(() -> through(wire, LIMITS, 8192)).isInstanceOf(ReplyGuard.Exceeded.class)
                .hasMessageContaining("string of 11 bytes");
    }

    @Test
    void aHugeAnnouncedLengthIsRefusedWithoutItsBytesEverComing() {
        // 512 MiB announced, nothing sent: the client would allocate it on reading the length
        byte[] wire = resp("$536870912\r\n");
        assertThatThrownBy(() -> through(wire, LIMITS, 8192)).isInstanceOf(ReplyGuard.Exceeded.class);
    }

    @Test
    void anArrayLongerThanExpectedIsRefused() {
        byte[] wire = resp("*5\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n");
        assertThatThrownBy(() -> through(wire, LIMITS, 8192)).isInstanceOf(ReplyGuard.Exceeded.class)
                .hasMessageContaining("array of 5 elements");
    }

    @Test
    void aReplyOverItsByteBudgetIsRefusedButTheBudgetIsPerReply() throws IOException {
        String small = "*4\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n:1\r\n"; // 68 bytes
        assertThat(through(resp(small + small + small), LIMITS, 5)).hasSize(3 * small.length());
        String big = "*4\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n";
        assertThatThrownBy(() -> through(resp(big + big), new ReplyGuard.Limits(10, 4, 60), 8192))
                .isInstanceOf(ReplyGuard.Exceeded.class).hasMessageContaining("over the 60 bytes");
    }

    @Test
    void somethingThatIsNotResp2IsRefused() {
        assertThatThrownBy(() -> through(resp("HTTP/1.1 200 OK\r\n"), LIMITS, 8192))
                .isInstanceOf(ReplyGuard.Exceeded.class).hasMessageContaining("not a RESP2 reply");
        assertThatThrownBy(() -> through(resp("$12345678901234567890123456789\r\n"), LIMITS, 8192))
                .isInstanceOf(ReplyGuard.Exceeded.class);
        assertThatThrownBy(() -> through(resp("*abc\r\n"), LIMITS, 8192)).isInstanceOf(ReplyGuard.Exceeded.class);
    }

    @Test
    void limitsChangeForTheNextReply() throws IOException {
        ReplyGuard in = new ReplyGuard(new ByteArrayInputStream(resp("$3\r\nabc\r\n$20\r\n01234567890123456789\r\n")),
                LIMITS);
        byte[] first = new byte[9];
        assertThat(in.read(first, 0, 9)).isEqualTo(9);
        in.expect(new ReplyGuard.Limits(20, 4, 100));
        assertThat(in.readAllBytes()).hasSize(27);
    }

    @Test
    void aPipelineHasLimitsForEachReplyInTurnAndTheLastStay() throws IOException {
        ReplyGuard.Limits small = new ReplyGuard.Limits(3, 4, 100);
        ReplyGuard.Limits big = new ReplyGuard.Limits(20, 4, 100);
        byte[] fits = resp("$3\r\nabc\r\n$20\r\n01234567890123456789\r\n:1\r\n$20\r\n01234567890123456789\r\n");
        ReplyGuard in = new ReplyGuard(new ByteArrayInputStream(fits), ReplyGuard.Limits.SMALL);
        in.expect(small, big);
        assertThat(in.readAllBytes()).isEqualTo(fits);

        ReplyGuard first = new ReplyGuard(new ByteArrayInputStream(resp("$20\r\n01234567890123456789\r\n")),
                ReplyGuard.Limits.SMALL);
        first.expect(small, big);
        assertThatThrownBy(first::readAllBytes).isInstanceOf(ReplyGuard.Exceeded.class)
                .satisfies(e -> assertThat(((ReplyGuard.Exceeded) e).limits()).isSameAs(small));
    }
}
