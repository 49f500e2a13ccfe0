package io.tasq.backend.zmq;

import io.tasq.spi.Credentials;
import io.tasq.spi.Signer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a DEALER proves to a worker that it holds a key the worker trusts, before the worker sends it
 * anything but a challenge: results, hand-backs and answers to operator requests go only to a
 * routing id that did.
 *
 * <ol>
 *   <li>The DEALER connects with a random routing id ({@link #routingId()}), so nobody can claim
 *       another peer's id by guessing it (the worker's ROUTER refuses a second connection with an
 *       id in use, and has no handover).</li>
 *   <li>It pings; the worker answers a routing id it has not bound with {@code [CHALLENGE][instance]
 *       [challenge]}, a fresh random challenge kept for that routing id.</li>
 *   <li>The DEALER answers {@code [HELLO][clientId][algorithm][keyId][signature]}: its key's
 *       signature of {@link #signed} (a domain-separated string of its client id, its routing id,
 *       the challenge and the worker's instance id).</li>
 *   <li>The worker checks it with {@link Credentials#verify} and binds the client id to that routing
 *       id; a newer binding for the client id replaces the older one.</li>
 * </ol>
 *
 * <p>The signature names the routing id and the challenge, so it is worth nothing on another
 * connection or a second time; it names the worker instance, so it is worth nothing to another
 * worker. It never looks like a job envelope (the domain string starts it). Stateless.
 */
final class Handshake {

    /** Starts every signed hello: a signature over it can be nothing else. */
    private static final byte[] DOMAIN = "tasq/zmq/hello/v1\0".getBytes(StandardCharsets.US_ASCII);
    static final int ROUTING_ID_BYTES = 17;
    /**
     * How long a socket that connects to a worker waits for ZMQ's own handshake before it drops the
     * connection and connects again. JeroMQ 0.6.0 sometimes never starts the handshake of a fresh
     * outgoing connection (a race in its IO thread's poller between the connecting channel's
     * cancelled key and the new engine's registration; zeromq/jeromq pull request 1022 describes it,
     * 1-6 % of connections, more under CPU load): such a connection sits idle until this timer, 30 s
     * by default, drops it. A real handshake takes microseconds, milliseconds with CURVE.
     */
    static final int ZMQ_HANDSHAKE_MILLIS = 2_000;
    static final int CHALLENGE_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /**
     * A routing id nobody can guess: a non-zero first byte (ZMQ keeps ids that start with zero for
     * those a ROUTER makes up itself) and 16 random bytes.
     */
    static byte[] routingId() {
        byte[] id = new byte[ROUTING_ID_BYTES];
        RANDOM.nextBytes(id);
        id[0] = 1;
        return id;
    }

    static byte[] challenge() {
        byte[] c = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(c);
        return c;
    }

    /** What a hello signs; each part with its length before it, so no two tuples sign alike. */
    static byte[] signed(String clientId, byte[] routingId, byte[] challenge, String instance) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(DOMAIN);
        for (byte[] part : List.of(Frames.utf8(clientId), routingId, challenge, Frames.utf8(instance))) {
            out.write(part.length >>> 8);
            out.write(part.length);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * The frames of the hello answering {@code challenge}: signed with this side's key, or unsigned
     * (only a worker that accepts unsigned peers binds it) when it holds none.
     */
    static List<byte[]> hello(Credentials credentials, String clientId, byte[] routingId, byte[] challenge,
            String instance) {
        List<byte[]> frames = new ArrayList<>(5);
        frames.add(Frames.HELLO);
        frames.add(Frames.utf8(clientId));
        Optional<Signer> signer = credentials.signer();
        if (signer.isPresent()) {
            Signer s = signer.get();
            byte[] data = signed(clientId, routingId, challenge, instance);
            frames.add(Frames.utf8(s.algorithm()));
            frames.add(Frames.utf8(s.keyId()));
            frames.add(s.sign(data, 0, data.length));
        }
        return frames;
    }

    /** Sends frames as one message without waiting; false if the socket cannot take it now. */
    static boolean send(org.zeromq.ZMQ.Socket socket, List<byte[]> frames) {
        int flags = org.zeromq.ZMQ.DONTWAIT | (frames.size() > 1 ? org.zeromq.ZMQ.SNDMORE : 0);
        if (!socket.send(frames.get(0), flags)) {
            return false;
        }
        for (int i = 1; i < frames.size(); i++) {
            socket.send(frames.get(i), i == frames.size() - 1 ? 0 : org.zeromq.ZMQ.SNDMORE);
        }
        return true;
    }
}
