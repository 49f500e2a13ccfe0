package io.tasq.spi;

import java.util.Arrays;

/**
 * The limits every backend applies to what it receives, so that a hostile peer cannot make a
 * worker buffer or keep more than these. Stateless.
 */
public final class Limits {

    /** The setting bounding one envelope (a job or a result), in bytes. */
    public static final String MAX_BYTES_SETTING = "envelope.max-bytes";
    /** Its default: 64 MiB. */
    public static final int DEFAULT_MAX_BYTES = 64 << 20;
    /** How many leading bytes of a refused (unverified) message a dead letter keeps. */
    public static final int REFUSED_BYTES_KEPT = 4096;
    /** How many dead letters a queue keeps by default; the oldest are dropped (and counted) past it. */
    public static final int DEFAULT_MAX_DEAD_LETTERS = 10_000;
    /**
     * The largest message a backend accepts off the wire: an envelope of {@link #MAX_BYTES_SETTING}
     * payload plus room for its header, signature and code bundle hash.
     */
    private static final int FRAMING = 64 * 1024;

    private Limits() {
    }

    /** The configured largest envelope, in bytes. */
    public static int maxEnvelopeBytes(Settings settings) {
        return settings.getInt(MAX_BYTES_SETTING, DEFAULT_MAX_BYTES, 1024, Integer.MAX_VALUE - FRAMING);
    }

    /**
     * The largest message to accept off the wire for envelopes of at most {@code maxEnvelopeBytes}
     * payload: a payload and a code bundle of that size each, plus framing.
     */
    public static long maxMessageBytes(int maxEnvelopeBytes) {
        return 2L * maxEnvelopeBytes + FRAMING;
    }

    /** What a dead letter keeps of a refused message: at most {@link #REFUSED_BYTES_KEPT} leading bytes. */
    public static byte[] refusedBytes(byte[] body) {
        return body.length <= REFUSED_BYTES_KEPT ? body : Arrays.copyOf(body, REFUSED_BYTES_KEPT);
    }
}
