package io.tasq.backend.zmq;

import io.tasq.BackendUnavailableException;
import io.tasq.backend.zmq.ZmqSettings.Endpoint;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * What brokerless workers know about their queue — their dead letters, themselves, their depth —
 * reached by asking each worker over its results port ({@code [A][requestId][op][args...]},
 * answered {@code [a][requestId][payload]}). A pool's workers are asked all at once and their
 * answers added up. Thread-safe: one request at a time.
 */
final class ZmqAdmin implements DeadLetters, QueueAdmin, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqAdmin.class);
    private static final int TIMEOUT_MILLIS = 10_000;
    /** For what a dashboard polls: a worker that is up answers in microseconds. */
    private static final int QUICK_MILLIS = 1_500;
    /** How long an unanswered read-only request waits before it is sent again. */
    private static final long RESEND_MILLIS = 500;
    private static final java.util.Set<String> READ_ONLY = java.util.Set.of("count", "list", "workers", "stats");

    private final List<Endpoint> endpoints;
    private ZContext ctx;
    private List<ZMQ.Socket> dealers;

    ZmqAdmin(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
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

    /** The answers of the workers that answered within the time, in no particular order. */
    private synchronized List<byte[]> askAll(int timeoutMillis, String op, byte[]... args) {
        if (ctx == null) {
            ctx = new ZContext(1);
            dealers = new ArrayList<>();
            for (Endpoint e : endpoints) {
                ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
                dealer.setIdentity(Frames.utf8("admin-" + UUID.randomUUID()));
                dealer.setLinger(0);
                dealer.connect(e.connectResults());
                dealers.add(dealer);
            }
        }
        String requestId = UUID.randomUUID().toString();
        ZMQ.Poller poller = ctx.createPoller(dealers.size());
        // a dealer whose worker is not connected yet (connecting is asynchronous) takes no message:
        // it is tried again until the deadline, so that a first request does not fail for nothing
        List<ZMQ.Socket> unsent = new ArrayList<>(dealers);
        List<ZMQ.Socket> asked = new ArrayList<>();
        List<byte[]> answers = new ArrayList<>();
        List<ZMQ.Socket> answered = new ArrayList<>();
        // a request that only reads is asked again while unanswered: a request or answer lost on a
        // connection being set up costs a second, not the whole wait (one that changes things is sent once)
        boolean readOnly = READ_ONLY.contains(op);
        java.util.Map<ZMQ.Socket, Long> sentAt = new java.util.HashMap<>();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            for (long left; answered.size() < dealers.size() && (left = deadline - System.currentTimeMillis()) > 0; ) {
                for (var it = unsent.iterator(); it.hasNext(); ) {
                    ZMQ.Socket dealer = it.next();
                    if (send(dealer, requestId, op, args)) {
                        it.remove();
                        poller.register(dealer, ZMQ.Poller.POLLIN);
                        asked.add(dealer);
                        sentAt.put(dealer, System.currentTimeMillis());
                    }
                }
                if (readOnly) {
                    long now = System.currentTimeMillis();
                    for (ZMQ.Socket dealer : asked) {
                        if (!answered.contains(dealer) && now - sentAt.get(dealer) >= RESEND_MILLIS
                                && send(dealer, requestId, op, args)) {
                            sentAt.put(dealer, now);
                        }
                    }
                }
                poller.poll(unsent.isEmpty() && !readOnly ? left : Math.min(left, 20));
                for (int i = 0; i < asked.size(); i++) {
                    ZMQ.Socket dealer = asked.get(i);
                    if (!answered.contains(dealer) && poller.pollin(i)) {
                        byte[] payload = reply(dealer, requestId);
                        if (payload != null) {
                            answered.add(dealer);
                            answers.add(payload);
                        }
                    }
                }
            }
            if (answers.size() < endpoints.size() && !answers.isEmpty()) {
                LOG.warn("{} of the {} workers at {} did not answer '{}' within {} ms; the figures leave them out",
                        endpoints.size() - answers.size(), endpoints.size(), addresses(), op, timeoutMillis);
            }
            return answers;
        } finally {
            poller.close();
        }
    }

    /** Sends a request without waiting; false if the dealer has no connected worker to take it yet. */
    private static boolean send(ZMQ.Socket dealer, String requestId, String op, byte[]... args) {
        if (!dealer.send(Frames.ADMIN, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
            return false;
        }
        dealer.send(Frames.utf8(requestId), ZMQ.SNDMORE);
        dealer.send(Frames.utf8(op), args.length == 0 ? 0 : ZMQ.SNDMORE);
        for (int i = 0; i < args.length; i++) {
            dealer.send(args[i], i == args.length - 1 ? 0 : ZMQ.SNDMORE);
        }
        return true;
    }

    /** The payload of the reply to this request, or null for anything else (an answer to an earlier request). */
    private static byte[] reply(ZMQ.Socket dealer, String requestId) {
        byte[] found = null;
        byte[] command;
        while ((command = dealer.recv(ZMQ.DONTWAIT)) != null) {
            byte[] id = dealer.hasReceiveMore() ? dealer.recv(0) : null;
            byte[] payload = dealer.hasReceiveMore() ? dealer.recv(0) : null;
            while (dealer.hasReceiveMore()) {
                dealer.recv(0);
            }
            if (Frames.is(command, Frames.ADMIN_REPLY) && id != null && Frames.string(id).equals(requestId)) {
                found = payload == null ? new byte[0] : payload;
            }
        }
        return found;
    }

    private String addresses() {
        return String.join(", ", endpoints.stream().map(Endpoint::connectResults).toList());
    }

    @Override
    public long count() {
        return ask("count").stream().mapToLong(b -> ByteBuffer.wrap(b).getLong()).sum();
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
                live.add(WorkerInfo.fromBytes(payload));
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
