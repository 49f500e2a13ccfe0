package io.tasq.backend.zmq;

import io.tasq.backend.zmq.ZmqSettings.Endpoint;
import io.tasq.spi.Credentials;
import io.tasq.spi.ResultListener;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A client's sockets to the workers of its pool, and the wire protocol on them: for each worker a
 * PUSH socket for jobs and a DEALER for results, pings and the {@link Handshake}, whose random
 * routing id proves this client's key when the worker challenges it. What a worker sends is passed
 * on: results to the {@link ResultListener}, pongs and hand-backs to the {@link WorkerPool}, which
 * decides where jobs go; this class only moves frames.
 *
 * <p>Not thread-safe: its client's IO lock guards it; it is created on the IO thread, whose poller
 * it owns.
 */
final class PoolConnections {

    private static final Logger LOG = LoggerFactory.getLogger(PoolConnections.class);
    /** The most messages read from one worker on one turn, so the others and the outbox get their turn too. */
    private static final int BATCH = 256;

    /** The sockets of one worker of the pool. */
    private static final class Link {
        final PoolMember member;
        final ZMQ.Socket push;
        /** Replaced, with a new routing id, when the worker is taken out (see {@link #renew}). */
        ZMQ.Socket dealer;
        byte[] routingId;
        boolean watchingOut;
        /** The worker refused this client's hello; logged once until it accepts one. */
        boolean refused;

        Link(PoolMember member, ZMQ.Socket push) {
            this.member = member;
            this.push = push;
        }
    }

    private final ZContext ctx;
    private final ZMQ.Poller poller;
    private final ZmqSettings settings;
    private final String clientId;
    private final byte[] clientIdBytes;
    private final Credentials credentials;
    /** This client's CURVE key pair, when it encrypts. */
    private final ZMQ.Curve.KeyPair curveKeys;
    private final WorkerPool pool;
    private final ResultListener listener;
    private final List<Link> links = new ArrayList<>();

    /** Connects to every worker the settings name; {@code wakeup} is polled beside the sockets. */
    PoolConnections(ZContext ctx, ZmqSettings settings, String clientId, Credentials credentials, WorkerPool pool,
            ResultListener listener, Wakeup wakeup) {
        this.ctx = ctx;
        this.settings = settings;
        this.clientId = clientId;
        this.clientIdBytes = Frames.utf8(clientId);
        this.credentials = credentials;
        this.curveKeys = settings.curve().ownKeys();
        this.pool = pool;
        this.listener = listener;
        this.poller = ctx.createPoller(1 + 2 * settings.endpoints().size());
        poller.register(wakeup.source(), ZMQ.Poller.POLLIN);
        for (Endpoint e : settings.endpoints()) {
            connect(e);
        }
    }

    /** Adds a worker to the pool and connects to it; it gets jobs from its first pong on. */
    void connect(Endpoint endpoint) {
        ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
        push.setImmediate(true);
        push.setSndHWM(100_000);
        push.setLinger(0);
        push.setHandshakeIvl(Handshake.ZMQ_HANDSHAKE_MILLIS);
        settings.curve().connect(push, curveKeys);
        push.connect(endpoint.connectJobs());
        Link link = new Link(pool.add(endpoint), push);
        links.add(link);
        openDealer(link);
    }

    /** Connects the link's DEALER, with a routing id of its own, and pings (the worker's answer challenges it). */
    private void openDealer(Link link) {
        ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
        link.routingId = Handshake.routingId();
        dealer.setIdentity(link.routingId);
        dealer.setLinger(0);
        dealer.setRcvHWM(0);
        dealer.setMaxMsgSize(settings.maxMessageBytes());
        dealer.setHandshakeIvl(Handshake.ZMQ_HANDSHAKE_MILLIS);
        settings.curve().connect(dealer, curveKeys);
        dealer.connect(link.member.endpoint.connectResults());
        link.dealer = dealer;
        poller.register(dealer, ZMQ.Poller.POLLIN);
        if (dealer.send(Frames.PING, ZMQ.DONTWAIT)) {
            LOG.trace("client {}: pinged {}", clientId, link.member.endpoint);
        }
    }

    /**
     * Replaces the DEALER of a worker taken out by a new one, with a new routing id. The worker's
     * ROUTER ignores a connection whose routing id it still holds (no handover: nobody can take over
     * another's), so one that never noticed the old connection die would ignore this client's
     * reconnection under the same id for as long as it keeps the dead one.
     */
    private void renew(Link link) {
        poller.unregister(link.dealer);
        link.dealer.close();
        openDealer(link);
    }

    /** Sends a control envelope (a cancel) to every worker that can take it now. */
    void broadcast(byte[] control) {
        for (Link l : links) {
            if (l.dealer.send(Frames.CONTROL, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                l.dealer.send(control, 0);
            }
        }
    }

    /** Pings every worker, and takes out (with a new connection) those silent past the timeout. */
    void heartbeat() {
        for (Link l : links) {
            l.dealer.send(Frames.PING, ZMQ.DONTWAIT);
            if (pool.takeOutIfSilent(l.member)) {
                renew(l);
            }
        }
    }

    /**
     * Hands every worker's backlog to its connection, and has the poller wait for room only where a
     * worker that is up has a backlog left; returns how many jobs went.
     */
    int flush() {
        int sent = 0;
        for (Link l : links) {
            sent += flush(l);
            // wait for writability only while a worker is up to take its backlog
            watchOut(l, l.member.up && l.member.hasBacklog());
        }
        return sent;
    }

    /**
     * Hands the backlogs to their connections as a caller's thread may: only where the poller does
     * not watch the PUSH socket. Returns whether a backlog is left (a full pipe the IO thread must
     * wait on).
     */
    boolean flushUnwatched() {
        boolean left = false;
        for (Link l : links) {
            if (!l.watchingOut) {
                flush(l);
                left |= l.member.hasBacklog();
            }
        }
        return left;
    }

    private int flush(Link l) {
        return pool.handOver(l.member, job -> l.push.send(
                Frames.job(job.jobId, job.nextAttempt(), clientIdBytes, job.job.body()), ZMQ.DONTWAIT));
    }

    private void watchOut(Link l, boolean watch) {
        if (watch != l.watchingOut) {
            if (watch) {
                poller.register(l.push, ZMQ.Poller.POLLOUT);
            } else {
                poller.unregister(l.push);
            }
            l.watchingOut = watch;
        }
    }

    /** Reads what the workers sent, up to a batch each; returns how many messages. */
    int read() {
        int read = 0;
        for (int i = 0; i < links.size(); i++) {
            read += read(links.get(i));
        }
        return read;
    }

    private int read(Link l) {
        byte[] command;
        int read = 0;
        while (read < BATCH && (command = l.dealer.recv(ZMQ.DONTWAIT)) != null) {
            read++;
            byte[][] rest = rest(l.dealer);
            Frames.Result result = rest.length == 0 ? Frames.result(command) : null;
            if (result != null) {
                pool.settle(result.jobId());
                try {
                    listener.onResult(result.envelope());
                } catch (RuntimeException e) {
                    LOG.error("result listener of client {} failed", clientId, e);
                }
            } else if (Frames.is(command, Frames.PONG) && rest.length == 1) {
                pool.pong(l.member, Frames.string(rest[0]));
                if (l.refused) {
                    l.refused = false;
                    LOG.info("client {}: the worker at {} accepts its key now", clientId, l.member.endpoint);
                }
            } else if (Frames.is(command, Frames.CHALLENGE) && rest.length == 2) {
                // the worker is up, but sends this client nothing until it proves its key
                String instance = Frames.string(rest[0]);
                pool.pong(l.member, instance);
                Handshake.send(l.dealer, Handshake.hello(credentials, clientId, l.routingId, rest[1], instance));
            } else if (Frames.is(command, Frames.REFUSED)) {
                refused(l);
            } else if (Frames.is(command, Frames.RELEASED) && rest.length == 1) {
                pool.handedBack(l.member, Frames.string(rest[0]));
            } else {
                LOG.warn("client {} dropped an unknown message from the worker at {}", clientId, l.member.endpoint);
            }
        }
        return read;
    }

    private void refused(Link l) {
        if (!l.refused) {
            l.refused = true;
            LOG.error("client {}: the worker at {} refused its hello: this client {}; the worker runs its "
                    + "jobs if it trusts them but sends it no results. Set TASQ_SIGN_KEY (or sign.key / "
                    + "sign.private-key) to a key the worker trusts", clientId, l.member.endpoint,
                    credentials.signer().isPresent() ? "signs with a key the worker does not trust"
                            : "holds no key to sign with");
        }
    }

    private static byte[][] rest(ZMQ.Socket socket) {
        List<byte[]> frames = new ArrayList<>(2);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames.toArray(new byte[0][]);
    }

    /** Waits up to {@code millis} for a socket (or the wakeup) to be ready. */
    void poll(long millis) {
        poller.poll(millis);
    }
}
