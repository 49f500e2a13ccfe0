package io.tasq.backend.zmq;

import io.tasq.spi.WorkerInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A worker's heartbeat as it travels in an admin reply. Stateless. */
final class WorkerInfoCodec {

    private WorkerInfoCodec() {
    }

    static byte[] encode(WorkerInfo i) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(i.workerId());
            out.writeUTF(i.host());
            out.writeLong(i.pid());
            out.writeUTF(i.backend());
            out.writeUTF(i.workerType());
            out.writeInt(i.concurrency());
            out.writeLong(i.startedAtMillis());
            out.writeLong(i.succeeded());
            out.writeLong(i.failed());
            out.writeLong(i.rejected());
            out.writeLong(i.running());
            out.writeLong(i.held());
            out.writeLong(i.heartbeatAtMillis());
            out.writeLong(i.intervalMillis());
            out.writeDouble(i.runP50Millis());
            out.writeDouble(i.runP99Millis());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WorkerInfo decode(byte[] payload) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            return new WorkerInfo(in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(), in.readUTF(), in.readInt(),
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readDouble(), in.readDouble());
        } catch (IOException e) {
            throw new UncheckedIOException("a malformed worker heartbeat", e);
        }
    }
}
