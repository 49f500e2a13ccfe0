package io.tasq.backend.zmq;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A ZMTP 3.0 peer over a plain TCP socket (NULL security), for sending what no ZMQ library sends:
 * a frame announced far larger than it is sent, written in small pieces so that the test itself
 * holds none of it. Not thread-safe.
 */
final class RawZmtp implements AutoCloseable {

    private final Socket socket;
    private final DataOutputStream out;

    RawZmtp(int port, String socketType) throws IOException {
        socket = new Socket("127.0.0.1", port);
        out = new DataOutputStream(socket.getOutputStream());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] greeting = new byte[64];
        greeting[0] = (byte) 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3; // version 3.0
        System.arraycopy("NULL".getBytes(StandardCharsets.US_ASCII), 0, greeting, 12, 4);
        out.write(greeting);
        out.flush();
        in.readFully(new byte[64]);
        ByteArrayOutputStream ready = new ByteArrayOutputStream();
        ready.write(5);
        ready.writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
        byte[] name = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
        byte[] value = socketType.getBytes(StandardCharsets.US_ASCII);
        ready.write(name.length);
        ready.writeBytes(name);
        new DataOutputStream(ready).writeInt(value.length);
        ready.writeBytes(value);
        out.write(0x04); // a short command
        out.write(ready.size());
        ready.writeTo(out);
        out.flush();
    }

    /**
     * Announces one frame of {@code size} bytes and sends zeros until it is sent or the peer drops
     * the connection; returns how many bytes of it went out.
     */
    long sendFrame(long size) {
        long sent = 0;
        byte[] chunk = new byte[64 * 1024];
        try {
            out.write(0x02); // a long frame, the last of its message
            out.writeLong(size);
            while (sent < size) {
                int n = (int) Math.min(chunk.length, size - sent);
                out.write(chunk, 0, n);
                sent += n;
            }
            out.flush();
        } catch (IOException e) {
            return sent; // dropped
        }
        return sent;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
