package io.tasq.backend.zmq;

import io.tasq.BackendUnavailableException;
import io.tasq.SignatureVerificationException;
import io.tasq.backend.zmq.ZmqSettings.Endpoint;
import io.tasq.spi.Credentials;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * What brokerless workers know about their queue — their dead letters, themselves, their depth —
 * reached by asking each worker over its results port. A worker answers only a connection that
 * proved the operator's key ({@link Handshake}): each request pings first, answers the worker's
 * challenge with a signed hello, then asks ({@code [A][requestId][op][args...]}, answered
 * {@code [a][requestId][payload]}). A worker that refuses the operator's key says so at once
 * ({@code [N]} or {@code [n]}), and the request fails with that, not with a timeout. A pool's
 * workers are asked all at once and their answers added up. Thread-safe: one request at a time.
 */
final class ZmqAdmin implements DeadLetters, QueueAdmin, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqAdmin.class);
    private static final int TIMEOUT_MILLIS = 10_000;
    /** For what a dashboard polls: a worker that is up answers in microseconds. */
    private static final int QUICK_MILLIS = 1_500;
    /** How long an unanswered read-only request waits before it is sent again. */
    private static final long RESEND_MILLIS = 500;
    /** How often a worker may refuse a request after accepting the hello before that counts as a refusal. */
    private static final int MAX_UNBOUND_REPLIES = 3;
    private static final java.util.Set<String> READ_ONLY = java.util.Set.of("count", "dropped", "list", "workers", "stats");

    private final List<Endpoint> endpoints;
    private final ZmqSettings settings;
    private final Supplier<Credentials> credentials;
    /** The client id this operator proves its key for; its own, so that it displaces no client's binding. */
    private final String operatorId = "operator-" + UUID.randomUUID();
    private ZContext ctx;
    private List<Asked> dealers;
    private ZMQ.Curve.KeyPair curveKeys;

    /** One worker's connection, and how far the request in hand has gone on it. */
    private static final class Asked {
        final Endpoint endpoint;
        final ZMQ.Socket dealer;
        final byte[] routingId;
        boolean pinged;
        boolean asked;
        boolean answered;
        long sentAt;
        int unbound;

        Asked(Endpoint endpoint, ZMQ.Socket dealer, byte[] routingId) {
            this.endpoint = endpoint;
            this.dealer = dealer;
            this.routingId = routingId;
        }
    }

    ZmqAdmin(ZmqSettings settings, Supplier<Credentials> credentials) {
        this.settings = settings;
        this.endpoints = List.copyOf(settings.endpoints());
        this.credentials = credentials;
    }

    private List<byte[]> ask(String op, byte[]... args) {
        List<byte[]> answers;
        if (READ_ONLY.contains(op)) {
            // unanswered, a read-only request is asked again on new connections: a connection that
            // is stuck while being set up does not cost the whole wait
            answers = List.of();
            for (int i = 0; i < 4 && answers.isEmpty(); i++) {
                if (i > 0) {
                    close();
                }
                answers = askAll(TIMEOUT_MILLIS / 4, op, args);
            }
        } else {
            answers = askAll(TIMEOUT_MILLIS, op, args);
        }
        if (answers.isEmpty()) {
            throw new BackendUnavailableException("no worker answered at " + addresses() + " within " + TIMEOUT_MILLIS
                    + " ms: the dead letters of a brokerless queue live in its workers, which must be up");
        }
        return answers;
    }

    private void open() {
        ctx = new ZContext(1);
        dealers = new ArrayList<>();
        curveKeys = settings.curve().ownKeys();
        for (Endpoint e : endpoints) {
            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            byte[] routingId = Handshake.routingId();
            dealer.setIdentity(routingId);
            dealer.setLinger(0);
            dealer.setMaxMsgSize(settings.maxMessageBytes());
            dealer.setHandshakeIvl(Handshake.ZMQ_HANDSHAKE_MILLIS);
            settings.curve().connect(dealer, curveKeys);
            dealer.connect(e.connectResults());
            dealers.add(new Asked(e, dealer, routingId));
        }
    }

    /**
     * The answers of the workers that answered within the time, in no particular order.
     *
     * @throws SignatureVerificationException if a worker refused this operator's key
     */
    private synchronized List<byte[]> askAll(int timeoutMillis, String op, byte[]... args) {
        if (ctx == null) {
            open();
        }
        String requestId = UUID.randomUUID().toString();
        ZMQ.Poller poller = ctx.createPoller(dealers.size());
        List<Asked> polled = new ArrayList<>();
        List<byte[]> answers = new ArrayList<>();
        // a request that only reads is asked again while unanswered: a request or answer lost on a
        // connection being set up costs a second, not the whole wait (one that changes things is sent once)
        boolean readOnly = READ_ONLY.contains(op);
        for (Asked a : dealers) {
            a.pinged = false;
            a.asked = false;
            a.answered = false;
            a.unbound = 0;
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            for (long left; answers.size() < dealers.size() && (left = deadline - System.currentTimeMillis()) > 0; ) {
                long now = System.currentTimeMillis();
                boolean unsent = false;
                for (Asked a : dealers) {
                    // a dealer whose worker is not connected yet (connecting is asynchronous) takes no
                    // message: it is tried again until the deadline, so that a first request does not fail
                    // for nothing; one unanswered is pinged again, and asked again if it only reads
                    boolean again = a.pinged && !a.answered && now - a.sentAt >= RESEND_MILLIS && (readOnly || !a.asked);
                    if ((!a.pinged || again) && a.dealer.send(Frames.PING, ZMQ.DONTWAIT)) {
                        if (!a.pinged) {
                            poller.register(a.dealer, ZMQ.Poller.POLLIN);
                            polled.add(a);
                        }
                        a.pinged = true;
                        a.asked &= !readOnly;
                        a.sentAt = now;
                    }
                    unsent |= !a.pinged;
                }
                poller.poll(unsent || readOnly ? Math.min(left, 20) : Math.min(left, RESEND_MILLIS));
                for (int i = 0; i < polled.size(); i++) {
                    Asked a = polled.get(i);
                    if (!a.answered && poller.pollin(i)) {
                        byte[] payload = read(a, requestId, op, args);
                        if (payload != null) {
                            a.answered = true;
                            answers.add(payload);
                        }
                    }
                }
            }
            LOG.debug("asked '{}' of {}: {} answer(s) in {} ms", op, addresses(), answers.size(),
                    System.currentTimeMillis() - (deadline - timeoutMillis));
            if (answers.size() < endpoints.size() && !answers.isEmpty()) {
                LOG.warn("{} of the {} workers at {} did not answer '{}' within {} ms; the figures leave them out",
                        endpoints.size() - answers.size(), endpoints.size(), addresses(), op, timeoutMillis);
            }
            return answers;
        } finally {
            poller.close();
        }
    }

    /**
     * Reads what the worker sent: a pong asks the request, a challenge gets the hello and then the
     * request, a reply to this request is returned; anything else is dropped.
     */
    private byte[] read(Asked a, String requestId, String op, byte[][] args) {
        byte[] found = null;
        byte[] command;
        while ((command = a.dealer.recv(ZMQ.DONTWAIT)) != null) {
            List<byte[]> rest = new ArrayList<>(2);
            while (a.dealer.hasReceiveMore()) {
                byte[] f = a.dealer.recv(0);
                if (rest.size() < 3) {
                    rest.add(f);
                }
            }
            if (Frames.is(command, Frames.PONG) && rest.size() == 1) {
                request(a, requestId, op, args);
            } else if (Frames.is(command, Frames.CHALLENGE) && rest.size() == 2) {
                // ordered on the connection: the worker checks the hello before it reads the request
                Handshake.send(a.dealer, Handshake.hello(credentials.get(), operatorId, a.routingId, rest.get(1),
                        Frames.string(rest.get(0))));
                request(a, requestId, op, args);
            } else if (Frames.is(command, Frames.REFUSED)) {
                throw refused(a);
            } else if (Frames.is(command, Frames.ADMIN_REFUSED) && rest.size() >= 1
                    && Frames.string(rest.get(0)).equals(requestId)) {
                // asked while not bound (its binding lapsed in between): prove the key again, a few times
                if (++a.unbound >= MAX_UNBOUND_REPLIES) {
                    throw refused(a);
                }
                a.asked = false;
                a.dealer.send(Frames.PING, ZMQ.DONTWAIT);
            } else if (Frames.is(command, Frames.ADMIN_REPLY) && rest.size() >= 1
                    && Frames.string(rest.get(0)).equals(requestId)) {
                found = rest.size() > 1 ? rest.get(1) : new byte[0];
            }
        }
        return found;
    }

    private static void request(Asked a, String requestId, String op, byte[][] args) {
        if (a.asked) {
            return; // one that changes things goes once; one that reads goes again after a new ping
        }
        List<byte[]> frames = new ArrayList<>(3 + args.length);
        frames.add(Frames.ADMIN);
        frames.add(Frames.utf8(requestId));
        frames.add(Frames.utf8(op));
        frames.addAll(List.of(args));
        a.asked = Handshake.send(a.dealer, frames);
    }

    private SignatureVerificationException refused(Asked a) {
        boolean signs = credentials.get().signer().isPresent();
        return new SignatureVerificationException("the worker at " + a.endpoint.connectResults() + " refused: this "
                + "operator " + (signs ? "signs with a key it does not trust" : "holds no key it trusts")
                + ", and a worker answers operators' requests only from a trusted key. Set TASQ_SIGN_KEY (or "
                + "sign.key / sign.private-key) to a key the worker trusts");
    }

    private String addresses() {
        return String.join(", ", endpoints.stream().map(Endpoint::connectResults).toList());
    }

    @Override
    public long count() {
        return ask("count").stream().mapToLong(b -> ByteBuffer.wrap(b).getLong()).sum();
    }

    /** The dead letters the workers dropped because they were full, added up. */
    @Override
    public long dropped() {
        return ask("dropped").stream().mapToLong(b -> ByteBuffer.wrap(b).getLong()).reduce(0, ZmqAdmin::add);
    }

    @Override
    public List<DeadLetter> list(int max) {
        List<DeadLetter> all = new ArrayList<>();
        for (byte[] answer : ask("list", Frames.int32(max))) {
            all.addAll(DeadLetterCodec.decode(answer));
        }
        all.sort(Comparator.comparingLong(DeadLetter::deadAtMillis));
        return all.size() <= max ? all : List.copyOf(all.subList(0, max));
    }

    @Override
    public int retry(List<String> ids) {
        return ask("retry", ids.stream().map(Frames::utf8).toArray(byte[][]::new)).stream()
                .mapToInt(Frames::int32).sum();
    }

    @Override
    public int purge(List<String> ids) {
        return ask("purge", ids.stream().map(Frames::utf8).toArray(byte[][]::new)).stream()
                .mapToInt(Frames::int32).sum();
    }

    /**
     * Asks for what a dashboard or {@code tq inspect} shows: once, and if nobody answered, once
     * more on new connections (a connection stuck while being set up must not make a live worker
     * look gone); then the connections are closed, so the next call starts afresh.
     */
    private List<byte[]> askQuickly(String op) {
        List<byte[]> answers = askAll(QUICK_MILLIS, op);
        if (answers.isEmpty()) {
            close();
            answers = askAll(QUICK_MILLIS, op);
            if (answers.isEmpty()) {
                close();
            }
        }
        return answers;
    }

    /** The workers that answer quickly: a brokerless worker that is gone is not live. */
    @Override
    public List<WorkerInfo> workers() {
        List<WorkerInfo> live = new ArrayList<>();
        List<byte[]> answers = askQuickly("workers");
        for (byte[] payload : answers) {
            if (payload.length > 0) {
                live.add(io.tasq.internal.WorkerInfoCodec.decode(payload));
            }
        }
        return live;
    }

    /** The figures of the workers that answer quickly, added up; unknown if none does. */
    @Override
    public QueueStats stats() {
        List<byte[]> answers = askQuickly("stats");
        if (answers.isEmpty()) {
            return QueueStats.UNKNOWN;
        }
        long waiting = 0;
        long inFlight = 0;
        long delayed = 0;
        long dead = 0;
        for (byte[] a : answers) {
            ByteBuffer b = ByteBuffer.wrap(a);
            waiting = add(waiting, b.getLong());
            inFlight = add(inFlight, b.getLong());
            delayed = add(delayed, b.getLong());
            dead = add(dead, b.getLong());
        }
        return new QueueStats(waiting, inFlight, delayed, dead);
    }

    /** A sum in which a figure one worker cannot tell (-1) makes the total unknown. */
    private static long add(long sum, long figure) {
        return sum < 0 || figure < 0 ? -1 : sum + figure;
    }

    @Override
    public synchronized void close() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }
}
