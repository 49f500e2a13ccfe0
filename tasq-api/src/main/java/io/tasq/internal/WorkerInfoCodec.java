package io.tasq.internal;

import io.tasq.spi.WorkerInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A worker's heartbeat ({@link WorkerInfo}) as bytes, for the backends that carry it inside their own
 * messages (a RabbitMQ presence answer, a ZMQ operator reply). Not API: the bundled backends share
 * it, and its form may change in any release. Stateless.
 */
public final class WorkerInfoCodec {

    private WorkerInfoCodec() {
    }

    /** The heartbeat as bytes. */
    public static byte[] encode(WorkerInfo info) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(info.workerId());
            out.writeUTF(info.host());
            out.writeLong(info.pid());
            out.writeUTF(info.backend());
            out.writeUTF(info.workerType());
            out.writeInt(info.concurrency());
            out.writeLong(info.startedAtMillis());
            out.writeLong(info.succeeded());
            out.writeLong(info.failed());
            out.writeLong(info.rejected());
            out.writeLong(info.running());
            out.writeLong(info.held());
            out.writeLong(info.heartbeatAtMillis());
            out.writeLong(info.intervalMillis());
            out.writeDouble(info.runP50Millis());
            out.writeDouble(info.runP99Millis());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException if {@code payload} is not a heartbeat
     */
    public static WorkerInfo decode(byte[] payload) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            return new WorkerInfo(in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(), in.readUTF(), in.readInt(),
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readDouble(), in.readDouble());
        } catch (IOException e) {
            throw new IllegalArgumentException("a malformed worker heartbeat (" + payload.length + " bytes)", e);
        }
    }
}
