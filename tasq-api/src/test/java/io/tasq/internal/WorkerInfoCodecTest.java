package io.tasq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.spi.WorkerInfo;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkerInfoCodecTest {

    private static final WorkerInfo INFO = new WorkerInfo("w-1", "host-ü", 4242, "redis://127.0.0.1:6379", "process", 8,
            1_700_000_000_000L, 10, 2, 1, 3, 4, 1_700_000_002_000L, 2_000, 1.5, 99.25);

    @Test
    void aHeartbeatReadsBackAsItWasWritten() {
        assertThat(WorkerInfoCodec.decode(WorkerInfoCodec.encode(INFO))).isEqualTo(INFO);
    }

    @Test
    void aTruncatedOrForeignPayloadIsRefusedWithItsLength() {
        byte[] bytes = WorkerInfoCodec.encode(INFO);
        assertThatThrownBy(() -> WorkerInfoCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a malformed worker heartbeat (" + (bytes.length - 1) + " bytes)");
        assertThatThrownBy(() -> WorkerInfoCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
