package io.tasq.backend.zmq;

import io.tasq.spi.DeadLetter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** How dead letters travel in an admin reply: a count, then each one's fields. Stateless. */
final class DeadLetterCodec {

    private DeadLetterCodec() {
    }

    static byte[] encode(List<DeadLetter> letters) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(letters.size());
            for (DeadLetter d : letters) {
                out.writeUTF(d.id());
                out.writeUTF(d.jobId());
                out.writeInt(d.envelope().length);
                out.write(d.envelope());
                out.writeUTF(d.reason().length() > 16_000 ? d.reason().substring(0, 16_000) : d.reason());
                out.writeInt(d.attempts());
                out.writeLong(d.deadAtMillis());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<DeadLetter> decode(byte[] payload) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            int n = in.readInt();
            List<DeadLetter> out = new ArrayList<>(Math.min(n, 10_000));
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                String jobId = in.readUTF();
                byte[] envelope = new byte[in.readInt()];
                in.readFully(envelope);
                out.add(new DeadLetter(id, jobId, envelope, in.readUTF(), in.readInt(), in.readLong()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("a malformed dead-letter list", e);
        }
    }
}
