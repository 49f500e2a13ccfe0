package io.tasq.backend.zmq;

import io.tasq.spi.Credentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A peer on a worker's results port that speaks the wire protocol by hand, as an attacker (or a
 * careful client) would: a plain JeroMQ DEALER with the routing id it chooses. Everything it
 * receives is kept, for the test to look at. Not thread-safe: one test thread drives it.
 */
final class RawPeer implements AutoCloseable {

    private final ZContext ctx = new ZContext(1);
    private final ZMQ.Socket dealer;
    final byte[] routingId;
    /** Every message received, each as its frames. */
    final List<List<byte[]>> received = new CopyOnWriteArrayList<>();

    RawPeer(int resultsPort, byte[] routingId) {
        this.routingId = routingId;
        dealer = ctx.createSocket(SocketType.DEALER);
        dealer.setIdentity(routingId);
        dealer.setLinger(0);
        dealer.setHandshakeIvl(Handshake.ZMQ_HANDSHAKE_MILLIS); // as the backend's own sockets: see there
        dealer.connect("tcp://127.0.0.1:" + resultsPort);
    }

    /** A plain PUSH socket to a worker's jobs port, for sending frames by hand. */
    static ZMQ.Socket push(ZContext ctx, int jobsPort) {
        ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
        push.setHandshakeIvl(Handshake.ZMQ_HANDSHAKE_MILLIS);
        push.connect("tcp://127.0.0.1:" + jobsPort);
        return push;
    }

    void send(byte[]... frames) {
        Handshake.send(dealer, List.of(frames));
    }

    void ping() {
        send(Frames.PING);
    }

    /**
     * Waits for the next message whose first frame is {@code command}, keeping every message it
     * reads; null if none came within {@code timeout} (pinging again every half second, since a
     * ping on a connection still being set up may be lost).
     */
    List<byte[]> await(byte[] command, Duration timeout, boolean pingAgain) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextPing = System.nanoTime() + 500_000_000L;
        try (ZMQ.Poller poller = ctx.createPoller(1)) {
            poller.register(dealer, ZMQ.Poller.POLLIN);
            while (System.nanoTime() < deadline) {
                poller.poll(50);
                for (List<byte[]> m; (m = recv()) != null; ) {
                    if (Frames.is(m.get(0), command) || (m.get(0).length > 1 && m.get(0)[0] == command[0])) {
                        return m;
                    }
                }
                if (pingAgain && System.nanoTime() > nextPing) {
                    ping();
                    nextPing = System.nanoTime() + 500_000_000L;
                }
            }
        }
        return null;
    }

    /** Reads one message without waiting, and keeps it. */
    private List<byte[]> recv() {
        byte[] first = dealer.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> m = new ArrayList<>();
        m.add(first);
        while (dealer.hasReceiveMore()) {
            m.add(dealer.recv(0));
        }
        received.add(m);
        return m;
    }

    /** Reads whatever arrived, without waiting. */
    void drain() {
        while (recv() != null) {
            // kept
        }
    }

    /** Pings until challenged, and answers with a hello made with these credentials; returns the answer ([O] or [N]). */
    List<byte[]> hello(String clientId, Credentials credentials, Duration timeout) {
        ping();
        List<byte[]> challenge = await(Frames.CHALLENGE, timeout, true);
        if (challenge == null) {
            return null;
        }
        send(Handshake.hello(credentials, clientId, routingId, challenge.get(2), Frames.string(challenge.get(1)))
                .toArray(byte[][]::new));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ZMQ.Poller poller = ctx.createPoller(1)) {
            poller.register(dealer, ZMQ.Poller.POLLIN);
            while (System.nanoTime() < deadline) {
                poller.poll(50);
                for (List<byte[]> m; (m = recv()) != null; ) {
                    if (Frames.is(m.get(0), Frames.PONG) || Frames.is(m.get(0), Frames.REFUSED)) {
                        return m;
                    }
                }
            }
        }
        return null;
    }

    /** Whether any message received so far starts with this command (a result: a frame starting with 'R'). */
    boolean got(byte[] command) {
        return received.stream().anyMatch(m -> m.get(0).length > 0 && m.get(0)[0] == command[0]);
    }

    @Override
    public void close() {
        ctx.close();
    }
}
