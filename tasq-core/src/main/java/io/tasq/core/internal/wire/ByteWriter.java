package io.tasq.core.internal.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer for encoding envelopes. Not thread-safe. */
final class ByteWriter {

    private byte[] buf;
    private int size;

    ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return size;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    ByteWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    ByteWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    ByteWriter i32(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    ByteWriter i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    /** A string of at most {@code maxBytes} UTF-8 bytes, with a 16-bit length. */
    ByteWriter str(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > maxBytes) {
            throw new IllegalArgumentException("string of " + b.length + " bytes exceeds " + maxBytes + ": "
                    + s.substring(0, Math.min(40, s.length())) + "...");
        }
        u16(b.length);
        return raw(b, 0, b.length);
    }

    /** Bytes with a 32-bit length. */
    ByteWriter bytes(byte[] b) {
        i32(b.length);
        return raw(b, 0, b.length);
    }

    ByteWriter raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** The backing array; valid up to {@link #size()}. */
    byte[] array() {
        return buf;
    }

    byte[] toByteArray() {
        return buf.length == size ? buf : Arrays.copyOf(buf, size);
    }
}
