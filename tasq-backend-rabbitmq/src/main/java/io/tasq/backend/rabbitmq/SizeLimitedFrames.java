package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.WriteListener;
import com.rabbitmq.client.impl.AMQContentHeader;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import io.tasq.spi.Limits;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Cuts every message whose body is larger than a limit down to its first
 * {@link Limits#REFUSED_BYTES_KEPT} bytes while it comes off the socket, before anything of the rest
 * is buffered, and marks it ({@link #MARK}) so that whoever receives it refuses it.
 *
 * <p>Why not the client library's own {@code setMaxInboundMessageBodySize}: it fails the whole
 * connection on such a message (amqp-client 5.37: an {@code IllegalStateException} in the reading
 * thread). The broker then hands the message, unacknowledged, to the next consumer, and after
 * recovery to this one again: one message larger than the limit stops every worker of the queue, for
 * as long as it is there. Cut here, it is delivered like any other, small, and settled like any
 * other refused message.
 *
 * <p>This wraps the library's blocking frame handler ({@code com.rabbitmq.client.impl}, not its
 * public API): {@code SizeLimitTest} shows it still works after an upgrade of the library. The
 * library's own limit stays set to the same value, as a second line: if this ever stopped cutting, a
 * message over the limit would close the connection rather than be buffered.
 *
 * <p>Not thread-safe: used by the connection's reading thread only (writes are passed through).
 */
final class SizeLimitedFrames implements FrameHandler {

    /**
     * Header set on a message that was cut: {@code NONCE:SIZE}, with {@code SIZE} its real size. The
     * nonce, random per JVM, is what tells a real mark from the same header forged by a publisher.
     */
    static final String MARK = "x-tasq-cut";
    private static final String NONCE = nonce();
    private static final int KEEP = Limits.REFUSED_BYTES_KEPT;

    /** What remains of a body being cut, on one channel: bytes still to come, and how many of them to pass on. */
    private static final class Cut {
        long remaining;
        long keep;

        Cut(long remaining, long keep) {
            this.remaining = remaining;
            this.keep = keep;
        }
    }

    private static String nonce() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private final FrameHandler inner;
    private final long limit;
    private final Map<Integer, Cut> cutting = new HashMap<>();

    private SizeLimitedFrames(FrameHandler inner, long limit) {
        this.inner = inner;
        this.limit = limit;
    }

    /** Wraps the frame handlers {@code factory} makes: bodies of {@code limit} bytes or more are cut. */
    static FrameHandlerFactory wrap(FrameHandlerFactory factory, long limit) {
        return (address, connectionName) -> new SizeLimitedFrames(factory.create(address, connectionName), limit);
    }

    /** The real size of a message that was cut on its way in; -1 for one that was not (or a forged mark). */
    static long cutFrom(AMQP.BasicProperties p) {
        String mark = Messages.header(p.getHeaders(), MARK);
        if (mark == null || !mark.startsWith(NONCE + ":")) {
            return -1;
        }
        try {
            return Long.parseLong(mark.substring(NONCE.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public Frame readFrame() throws IOException {
        while (true) {
            Frame f = inner.readFrame();
            if (f == null) {
                return null; // a read timeout: the connection counts missed heartbeats
            }
            if (f.getType() == AMQP.FRAME_HEADER) {
                long size = ByteBuffer.wrap(f.getPayload(), 4, 8).getLong(); // after class id and weight
                if (size >= limit || size < 0) {
                    long keep = Math.min(KEEP, Math.max(0, size));
                    cutting.put(f.getChannel(), new Cut(size, keep));
                    return marked(f, size, keep);
                }
                return f;
            }
            if (f.getType() == AMQP.FRAME_BODY && !cutting.isEmpty()) {
                Cut cut = cutting.get(f.getChannel());
                if (cut != null) {
                    byte[] payload = f.getPayload();
                    cut.remaining -= payload.length;
                    int pass = (int) Math.min(payload.length, cut.keep);
                    cut.keep -= pass;
                    if (cut.remaining <= 0) {
                        cutting.remove(f.getChannel());
                    }
                    if (pass > 0) {
                        return new Frame(AMQP.FRAME_BODY, f.getChannel(),
                                pass == payload.length ? payload : Arrays.copyOf(payload, pass));
                    }
                    continue; // dropped unread: the rest of a body that was cut
                }
            }
            return f;
        }
    }

    /** The content header of a message that is cut: its body {@code keep} bytes, and the mark. */
    private static Frame marked(Frame header, long size, long keep) throws IOException {
        AMQContentHeader h = AMQImpl.readContentHeaderFrom(new DataInputStream(
                new ByteArrayInputStream(header.getPayload())));
        AMQP.BasicProperties.Builder b = h instanceof AMQP.BasicProperties p ? p.builder()
                : new AMQP.BasicProperties.Builder();
        // its headers are read already (a header frame is at most frame-max bytes); they stay, for the logs
        Map<String, Object> headers = h instanceof AMQP.BasicProperties p && p.getHeaders() != null
                ? new HashMap<>(p.getHeaders()) : new HashMap<>();
        headers.put(MARK, NONCE + ":" + size);
        b.headers(headers);
        return b.build().toFrame(header.getChannel(), keep);
    }

    @Override
    public void writeFrame(Frame frame) throws IOException {
        inner.writeFrame(frame);
    }

    @Override
    public void flush(WriteListener listener) throws IOException {
        inner.flush(listener);
    }

    @Override
    public boolean internalHearbeat() {
        return inner.internalHearbeat();
    }

    @Override
    public void setTimeout(int timeoutMs) throws SocketException {
        inner.setTimeout(timeoutMs);
    }

    @Override
    public int getTimeout() throws SocketException {
        return inner.getTimeout();
    }

    @Override
    public void sendHeader() throws IOException {
        inner.sendHeader();
    }

    @Override
    public void initialize(com.rabbitmq.client.impl.AMQConnection connection) {
        inner.initialize(connection);
    }

    @Override
    public void startProcessing() {
        inner.startProcessing();
    }

    @Override
    public void finishConnectionNegotiation() {
        inner.finishConnectionNegotiation();
    }

    @Override
    public void setFrameMax(int frameMax) {
        inner.setFrameMax(frameMax);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public InetAddress getAddress() {
        return inner.getAddress();
    }

    @Override
    public int getPort() {
        return inner.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return inner.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return inner.getLocalPort();
    }
}
