package io.tasq.core.internal.wire;

import io.tasq.RemoteException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes an exception as plain data (class name, message, frames, causes) so the client can show
 * it without having, or deserializing, the exception's class:
 *
 * <pre>
 * count:u8 (className:str hasMessage:u8 [message:str] frameCount:u16
 *           (declaringClass:str method:str file:str line:i32)*)*
 * </pre>
 *
 * The first entry is the exception, each next one the cause of the one before. Stateless.
 */
public final class RemoteErrors {

    private static final int MAX_CAUSES = 16;
    private static final int MAX_FRAMES = 512;
    private static final int MAX_TEXT = 16 * 1024;

    private RemoteErrors() {
    }

    /** Encodes {@code error} and up to {@value #MAX_CAUSES} causes; long messages are cut. */
    public static byte[] encode(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && chain.size() < MAX_CAUSES && seen.put(t, true) == null;
                t = t.getCause()) {
            chain.add(t);
        }
        ByteWriter w = new ByteWriter(512);
        w.u8(chain.size());
        for (Throwable t : chain) {
            String type = t instanceof RemoteException re ? re.remoteType() : t.getClass().getName();
            w.str(cut(type), MAX_TEXT);
            String message = t.getMessage();
            w.u8(message == null ? 0 : 1);
            if (message != null) {
                w.str(cut(message), 60_000);
            }
            StackTraceElement[] frames = t.getStackTrace();
            int n = Math.min(frames.length, MAX_FRAMES);
            w.u16(n);
            for (int i = 0; i < n; i++) {
                StackTraceElement f = frames[i];
                w.str(cut(f.getClassName()), MAX_TEXT).str(cut(f.getMethodName()), MAX_TEXT)
                        .str(f.getFileName() == null ? "" : cut(f.getFileName()), MAX_TEXT).i32(f.getLineNumber());
            }
        }
        return w.toByteArray();
    }

    /** A plain error: just a type and a message, no frames. */
    public static byte[] encode(String type, String message) {
        ByteWriter w = new ByteWriter(64 + message.length() * 3);
        w.u8(1).str(cut(type), MAX_TEXT).u8(1).str(cut(message), 60_000).u16(0);
        return w.toByteArray();
    }

    /**
     * Decodes what {@link #encode(Throwable)} wrote.
     *
     * @throws InvalidEnvelopeException if the bytes are not an encoded error
     */
    public static RemoteException decode(byte[] bytes) {
        ByteReader r = new ByteReader(bytes);
        int count = r.u8("cause count");
        if (count == 0 || count > MAX_CAUSES) {
            throw new InvalidEnvelopeException("bad remote error: " + count + " entries");
        }
        String[] types = new String[count];
        String[] messages = new String[count];
        StackTraceElement[][] frames = new StackTraceElement[count][];
        for (int i = 0; i < count; i++) {
            types[i] = r.str("exception class", MAX_TEXT);
            messages[i] = r.u8("has message") == 0 ? null : r.str("exception message", 60_000);
            int n = r.u16("frame count");
            if (n > MAX_FRAMES) {
                throw new InvalidEnvelopeException("bad remote error: " + n + " frames");
            }
            frames[i] = new StackTraceElement[n];
            for (int j = 0; j < n; j++) {
                String cls = r.str("frame class", MAX_TEXT);
                String method = r.str("frame method", MAX_TEXT);
                String file = r.str("frame file", MAX_TEXT);
                int line = r.i32("frame line");
                frames[i][j] = new StackTraceElement(cls, method, file.isEmpty() ? null : file, line);
            }
        }
        r.expectEnd();
        RemoteException cause = null;
        for (int i = count - 1; i >= 0; i--) {
            cause = new RemoteException(types[i], messages[i], frames[i], cause);
        }
        return cause;
    }

    private static String cut(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
