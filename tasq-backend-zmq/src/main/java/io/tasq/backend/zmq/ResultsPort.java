package io.tasq.backend.zmq;

import io.tasq.spi.JobListener;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The worker's results port (its ROUTER socket), as its IO thread serves it: answers pings with a
 * pong or, to a routing id that has not proved a trusted key, a challenge; checks hellos
 * ({@link Peers}); answers operators' requests only from proven peers ({@link WorkerAdmin}) and
 * refuses the others explicitly; passes cancel envelopes to the core, which verifies them; and sends
 * results and hand-backs to the routing id proven for their client, keeping them
 * ({@link HeldResults}) while there is none.
 *
 * <p>Not thread-safe: owned by the worker's IO thread.
 */
final class ResultsPort {

    private static final Logger LOG = LoggerFactory.getLogger(ResultsPort.class);
    /**
     * The largest message the results port takes: pings, hellos, operators' requests and cancel
     * envelopes are all small, so a peer gets far less room here than on the jobs port.
     */
    static final long MAX_CONTROL_BYTES = 1 << 20;
    /** The most frames kept of one message (an operator's retry names ids, one a frame). */
    private static final int MAX_CONTROL_FRAMES = 100_000;

    private final ZMQ.Socket router;
    private final Peers peers;
    private final HeldResults held;
    private final WorkerAdmin admin;
    private final String instanceId;
    private final String where;
    private final Bursts refusedPeers = new Bursts();
    private final Bursts failed = new Bursts();
    private JobListener listener;

    ResultsPort(ZMQ.Socket router, Peers peers, HeldResults held, WorkerAdmin admin, String instanceId, String where) {
        this.router = router;
        this.peers = peers;
        this.held = held;
        this.admin = admin;
        this.instanceId = instanceId;
        this.where = where;
    }

    /** Where cancel envelopes go; set when the consumer starts. */
    void listener(JobListener listener) {
        this.listener = listener;
    }

    /** Drops what is held past its time, bindings gone silent and challenges never answered. */
    void sweep(long now) {
        held.expire(now);
        peers.sweep(now);
    }

    /** Reads pings, hellos, control and operator requests, up to {@code batch}; returns how many messages. */
    int read(int batch) {
        int i = 0;
        for (; i < batch; i++) {
            byte[] routingId = router.recv(ZMQ.DONTWAIT);
            if (routingId == null) {
                return i;
            }
            byte[] command = router.hasReceiveMore() ? router.recv(0) : null;
            List<byte[]> args = new ArrayList<>();
            long bytes = 0;
            while (router.hasReceiveMore()) {
                byte[] frame = router.recv(0);
                bytes += frame.length;
                if (args.size() < MAX_CONTROL_FRAMES && bytes <= MAX_CONTROL_BYTES) {
                    args.add(frame);
                } else {
                    command = null; // too much for any request: read to its end and ignored
                }
            }
            try {
                control(routingId, command, args);
            } catch (RuntimeException e) {
                // one message costs its own handling only, never the turn (nor the pause after a failed one)
                long n = failed.count(System.currentTimeMillis());
                if (n > 0) {
                    LOG.warn("worker on {}: {} message(s) on the results port failed (the last: {})", where, n,
                            e.toString());
                }
            }
        }
        return i;
    }

    private void control(byte[] routingId, byte[] command, List<byte[]> args) {
        long now = System.currentTimeMillis();
        String client = peers.heard(routingId, now);
        if (Frames.is(command, Frames.CONTROL) && args.size() == 1) {
            try {
                listener.onControl(args.get(0)); // a signed envelope: the core verifies it
            } catch (RuntimeException e) {
                LOG.warn("a control message failed: {}", e.toString());
            }
        } else if (Frames.is(command, Frames.PING)) {
            if (client == null) {
                reply(routingId, Frames.CHALLENGE, Frames.utf8(instanceId), peers.challenge(routingId, now));
            } else if (reply(routingId, Frames.PONG, Frames.utf8(instanceId))) {
                flushHeld(client);
            }
        } else if (Frames.is(command, Frames.HELLO)) {
            hello(routingId, args, now);
        } else if (Frames.is(command, Frames.ADMIN) && args.size() >= 2) {
            if (client == null) {
                refused("an operator's request from a peer that proved no key");
                reply(routingId, Frames.ADMIN_REFUSED, args.get(0), Frames.utf8("this operator holds no key the worker "
                        + "trusts (it proved none in its hello), so the worker answers none of its requests"));
            } else {
                reply(routingId, Frames.ADMIN_REPLY, args.get(0),
                        admin.answer(Frames.string(args.get(1)), args.subList(2, args.size())));
            }
        }
    }

    private void hello(byte[] routingId, List<byte[]> args, long now) {
        switch (peers.hello(routingId, args, now)) {
            case BOUND -> {
                String client = peers.heard(routingId, now);
                if (reply(routingId, Frames.PONG, Frames.utf8(instanceId))) {
                    flushHeld(client);
                }
            }
            case REFUSED -> {
                refused(peers.lastRefusal());
                reply(routingId, Frames.REFUSED, Frames.utf8("the worker refused: this peer holds no key it trusts; "
                        + "it gets no results and no answers to operator requests"));
            }
            case IGNORED -> {
                // no challenge pending for it (or malformed): its next ping gets one
            }
        }
    }

    private void refused(String last) {
        long n = refusedPeers.count(System.currentTimeMillis());
        if (n > 0) {
            LOG.warn("worker on {} refused {} hello(s) or request(s) of peers that proved no trusted key (the last: {}); "
                    + "they get no results and no answers", where, n, last);
        }
    }

    /** Sends to one peer without waiting; false if it is gone or its pipe is full. */
    private boolean reply(byte[] routingId, byte[]... frames) {
        try {
            if (!router.send(routingId, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return false;
            }
        } catch (ZMQException e) {
            return false; // not connected any more (EHOSTUNREACH)
        }
        for (int i = 0; i < frames.length; i++) {
            router.send(frames[i], i == frames.length - 1 ? 0 : ZMQ.SNDMORE);
        }
        return true;
    }

    /** Sends to the client's proven routing id, or keeps the message until it has one. */
    void deliver(ClientMessage o) {
        if (!sendNow(o)) {
            held.hold(o);
        }
    }

    private boolean sendNow(ClientMessage o) {
        byte[] routingId = peers.route(o.replyTo());
        if (routingId == null) {
            return false;
        }
        return o.body() == null ? reply(routingId, o.command(), o.jobId())
                : reply(routingId, Frames.result(o.jobId(), o.body()));
    }

    private void flushHeld(String client) {
        held.flush(client, this::sendNow);
    }
}
