package io.tasq.core.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The named factories build exactly the results the 11-argument constructor built, byte for byte. */
class ResultEnvelopeTest {

    private static final JobEnvelope ENV = new JobEnvelope("j", "n", "c", 1, 0, "", Map.of(), "fory", new byte[0]);
    private static final ResultEnvelope.Origin ORIGIN = ResultEnvelope.Origin.of(ENV, "w", 2, 3);
    private static final byte[] PAYLOAD = {7};

    @Test
    void theWireFormOfAResultIsUnchanged() {
        // written down before the factories existed: version 2, kind 'R', then the fields in order
        String golden = "5451025200000001" + "6a00016e00016300017701" + "00000002" + "0000000000000003"
                + "000000000000002a" + "0000000000000063" + "0004666f7279" + "0000000107";
        ResultEnvelope r = new ResultEnvelope("j", "n", "c", "w", ResultStatus.FAILED, 2, 3, 42, 99, "fory", PAYLOAD);
        assertThat(HexFormat.of().formatHex(ResultCodec.encode(r))).isEqualTo(golden);
    }

    @Test
    void eachFactoryFillsTheFieldsTheConstructorWasGiven() {
        assertThat(ResultEnvelope.succeeded(ORIGIN, 42, 99, "fory", PAYLOAD)).usingRecursiveComparison()
                .isEqualTo(new ResultEnvelope("j", "n", "c", "w", ResultStatus.OK, 2, 3, 42, 99, "fory", PAYLOAD));
        assertThat(ResultEnvelope.failed(ORIGIN, 42, 99, PAYLOAD)).usingRecursiveComparison()
                .isEqualTo(new ResultEnvelope("j", "n", "c", "w", ResultStatus.FAILED, 2, 3, 42, 99, "", PAYLOAD));
        assertThat(ResultEnvelope.timedOut(ORIGIN, 42, 99, PAYLOAD)).usingRecursiveComparison()
                .isEqualTo(new ResultEnvelope("j", "n", "c", "w", ResultStatus.TIMEOUT, 2, 3, 42, 99, "", PAYLOAD));
        assertThat(ResultEnvelope.cancelled(ORIGIN, 42, 99, PAYLOAD)).usingRecursiveComparison()
                .isEqualTo(new ResultEnvelope("j", "n", "c", "w", ResultStatus.CANCELLED, 2, 3, 42, 99, "", PAYLOAD));
        assertThat(ResultEnvelope.rejected(ORIGIN, 42, PAYLOAD)).usingRecursiveComparison()
                .isEqualTo(new ResultEnvelope("j", "n", "c", "w", ResultStatus.REJECTED, 2, 3, 42, 0, "", PAYLOAD));
    }

    @Test
    void aRetryNoticeKeepsTheFailureAndACopyGoesToTheFollowingJob() {
        ResultEnvelope failed = ResultEnvelope.failed(ORIGIN, 42, 99, PAYLOAD);
        assertThat(failed.retrying()).usingRecursiveComparison()
                .isEqualTo(new ResultEnvelope("j", "n", "c", "w", ResultStatus.RETRYING, 2, 3, 42, 99, "", PAYLOAD));
        ResultEnvelope ok = ResultEnvelope.succeeded(ORIGIN, 42, 99, "fory", PAYLOAD);
        assertThat(ok.forJob("j2", "n2", "c2")).usingRecursiveComparison()
                .isEqualTo(new ResultEnvelope("j2", "n2", "c2", "w", ResultStatus.OK, 2, 3, 42, 99, "fory", PAYLOAD));
        assertThat(ResultCodec.encode(ResultEnvelope.failed(ORIGIN, 42, 99, PAYLOAD)))
                .isEqualTo(ResultCodec.encode(new ResultEnvelope("j", "n", "c", "w", ResultStatus.FAILED, 2, 3, 42, 99,
                        "", PAYLOAD)));
    }
}
