package io.tasq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The raw echoes' message: what a frame carries comes back out of it. */
class EchoFramesTest {

    @Test
    void aFrameCarriesItsClientStartAndPayload() {
        byte[] frame = EchoFrames.frame(7, 123_456_789_012L, new byte[] {9, 8, 7});

        assertThat(frame).hasSize(12 + 3);
        assertThat(EchoFrames.clientOf(frame)).isEqualTo(7);
        assertThat(EchoFrames.startOf(frame)).isEqualTo(123_456_789_012L);
        assertThat(Arrays.copyOfRange(frame, 12, 15)).containsExactly(9, 8, 7);
    }

    @Test
    void anEmptyPayloadMakesAHeaderOnlyFrame() {
        byte[] frame = EchoFrames.frame(-1, Long.MIN_VALUE, new byte[0]);

        assertThat(frame).hasSize(12);
        assertThat(EchoFrames.clientOf(frame)).isEqualTo(-1);
        assertThat(EchoFrames.startOf(frame)).isEqualTo(Long.MIN_VALUE);
    }
}
