package io.tasq.core.internal.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote, checking every length against the bytes left and a limit
 * before allocating, so hostile input can neither read out of bounds nor make it allocate much.
 * Not thread-safe.
 */
final class ByteReader {

    private final byte[] buf;
    private int pos;

    ByteReader(byte[] buf) {
        this.buf = buf;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return buf.length - pos;
    }

    private void need(int n, String what) {
        if (n < 0 || n > buf.length - pos) {
            throw new InvalidEnvelopeException("truncated envelope: " + what + " needs " + n + " bytes at offset "
                    + pos + ", " + (buf.length - pos) + " left");
        }
    }

    int u8(String what) {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    int u16(String what) {
        need(2, what);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int i32(String what) {
        need(4, what);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long i64(String what) {
        long hi = i32(what) & 0xffffffffL;
        long lo = i32(what) & 0xffffffffL;
        return (hi << 32) | lo;
    }

    String str(String what, int maxBytes) {
        int len = u16(what + " length");
        if (len > maxBytes) {
            throw new InvalidEnvelopeException(what + " of " + len + " bytes exceeds the limit of " + maxBytes);
        }
        need(len, what);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    byte[] bytes(String what, int maxBytes) {
        int len = i32(what + " length");
        if (len < 0 || len > maxBytes) {
            throw new InvalidEnvelopeException(what + " of " + (len & 0xffffffffL) + " bytes exceeds the limit of "
                    + maxBytes);
        }
        need(len, what);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    byte[] bytesOfLength(int len, String what) {
        need(len, what);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    void expectEnd() {
        if (pos != buf.length) {
            throw new InvalidEnvelopeException((buf.length - pos) + " unexpected bytes after the envelope");
        }
    }
}
