package io.tasq.core.internal.shipping;

import io.tasq.core.internal.wire.InvalidEnvelopeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A code bundle: the class files a job needs that a worker may lack, by binary class name. On the
 * wire it is deflated; its SHA-256 (of the deflated bytes) is its identity and is signed with the
 * job. Classes are written in name order, so the same classes always give the same bytes and hash.
 *
 * <pre>
 * deflate( 'T' 'B' version:u8 count:i32 (name:u16-length UTF-8, class:i32-length bytes)* )
 * </pre>
 *
 * <p>Immutable.
 */
public final class Bundle {

    private static final int MAX_CLASSES = 20_000;
    private static final int MAX_NAME = 1024;

    private final Map<String, byte[]> classes;
    private final byte[] wire;
    private final byte[] hash;

    private Bundle(Map<String, byte[]> classes, byte[] wire, byte[] hash) {
        this.classes = classes;
        this.wire = wire;
        this.hash = hash;
    }

    /** A bundle of these classes (binary name to class file). */
    public static Bundle of(Map<String, byte[]> classes) {
        TreeMap<String, byte[]> sorted = new TreeMap<>(classes);
        ByteArrayOutputStream raw = new ByteArrayOutputStream(4096);
        raw.write('T');
        raw.write('B');
        raw.write(1);
        writeInt(raw, sorted.size());
        sorted.forEach((name, bytes) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            raw.write(n.length >>> 8);
            raw.write(n.length);
            raw.writeBytes(n);
            writeInt(raw, bytes.length);
            raw.writeBytes(bytes);
        });
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw.toByteArray());
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.size() / 2 + 64);
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            byte[] wire = out.toByteArray();
            return new Bundle(Collections.unmodifiableMap(sorted), wire, sha256(wire));
        } finally {
            deflater.end();
        }
    }

    /**
     * Reads a bundle from the wire, inflating at most {@code maxBytes}.
     *
     * @throws InvalidEnvelopeException if the bytes are not a bundle, or inflate beyond the limit
     */
    public static Bundle read(byte[] wire, int maxBytes) {
        byte[] raw = inflate(wire, maxBytes);
        if (raw.length < 7 || raw[0] != 'T' || raw[1] != 'B' || raw[2] != 1) {
            throw new InvalidEnvelopeException("not a code bundle");
        }
        int pos = 3;
        int count = readInt(raw, pos);
        pos += 4;
        if (count < 0 || count > MAX_CLASSES) {
            throw new InvalidEnvelopeException("code bundle of " + count + " classes exceeds " + MAX_CLASSES);
        }
        Map<String, byte[]> classes = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            if (pos + 2 > raw.length) {
                throw new InvalidEnvelopeException("truncated code bundle");
            }
            int nameLength = ((raw[pos] & 0xff) << 8) | (raw[pos + 1] & 0xff);
            pos += 2;
            if (nameLength > MAX_NAME || pos + nameLength + 4 > raw.length) {
                throw new InvalidEnvelopeException("truncated code bundle");
            }
            String name = new String(raw, pos, nameLength, StandardCharsets.UTF_8);
            pos += nameLength;
            int length = readInt(raw, pos);
            pos += 4;
            if (length < 0 || pos + length > raw.length) {
                throw new InvalidEnvelopeException("truncated code bundle");
            }
            byte[] bytes = new byte[length];
            System.arraycopy(raw, pos, bytes, 0, length);
            pos += length;
            classes.put(name, bytes);
        }
        if (pos != raw.length) {
            throw new InvalidEnvelopeException("unexpected bytes after the code bundle");
        }
        return new Bundle(Collections.unmodifiableMap(classes), wire, sha256(wire));
    }

    /** The classes, by binary name. */
    public Map<String, byte[]> classes() {
        return classes;
    }

    /** The deflated bytes that travel. */
    public byte[] wire() {
        return wire;
    }

    /** The SHA-256 of {@link #wire()}: the bundle's identity. */
    public byte[] hash() {
        return hash.clone();
    }

    /** The hash in hex, for logs. */
    public String id() {
        return HexFormat.of().formatHex(hash, 0, 8);
    }

    /** The SHA-256 of some bytes. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static byte[] inflate(byte[] wire, int maxBytes) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(wire);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, wire.length * 3 + 64));
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new InvalidEnvelopeException("truncated code bundle");
                }
                if (out.size() + n > maxBytes) {
                    throw new InvalidEnvelopeException("code bundle inflates beyond the limit of " + maxBytes + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new InvalidEnvelopeException("code bundle is not deflated data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static int readInt(byte[] b, int pos) {
        if (pos + 4 > b.length) {
            throw new InvalidEnvelopeException("truncated code bundle");
        }
        return ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
    }
}
