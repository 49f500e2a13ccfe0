package io.tasq.backend.zmq;

import io.tasq.BackendUnavailableException;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.QueueAdmin;
import io.tasq.spi.QueueStats;
import io.tasq.spi.WorkerInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * What a brokerless worker knows about its queue — its dead letters, itself, its depth — reached by
 * asking the worker over its results port ({@code [A][requestId][op][args...]}, answered
 * {@code [a][requestId][payload]}). Thread-safe: one request at a time.
 */
final class ZmqAdmin implements DeadLetters, QueueAdmin, AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;
    /** For what a dashboard polls: a worker that is up answers in microseconds. */
    private static final int QUICK_MILLIS = 1_500;

    private final ZmqSettings settings;
    private ZContext ctx;
    private ZMQ.Socket dealer;

    ZmqAdmin(ZmqSettings settings) {
        this.settings = settings;
    }

    private byte[] ask(String op, byte[]... args) {
        return ask(TIMEOUT_MILLIS, op, args);
    }

    private synchronized byte[] ask(int timeoutMillis, String op, byte[]... args) {
        if (ctx == null) {
            ctx = new ZContext(1);
            dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setIdentity(Frames.utf8("admin-" + UUID.randomUUID()));
            dealer.setLinger(0);
            dealer.setReceiveTimeOut(TIMEOUT_MILLIS);
            dealer.connect(settings.connectResults());
        }
        String requestId = UUID.randomUUID().toString();
        dealer.send(Frames.ADMIN, ZMQ.SNDMORE);
        dealer.send(Frames.utf8(requestId), ZMQ.SNDMORE);
        dealer.send(Frames.utf8(op), args.length == 0 ? 0 : ZMQ.SNDMORE);
        for (int i = 0; i < args.length; i++) {
            dealer.send(args[i], i == args.length - 1 ? 0 : ZMQ.SNDMORE);
        }
        dealer.setReceiveTimeOut(timeoutMillis);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            byte[] command = dealer.recv(0);
            if (command == null) {
                break;
            }
            byte[] id = dealer.hasReceiveMore() ? dealer.recv(0) : null;
            byte[] payload = dealer.hasReceiveMore() ? dealer.recv(0) : null;
            while (dealer.hasReceiveMore()) {
                dealer.recv(0);
            }
            if (Frames.is(command, Frames.ADMIN_REPLY) && id != null && Frames.string(id).equals(requestId)) {
                return payload == null ? new byte[0] : payload;
            }
        }
        throw new BackendUnavailableException("no worker answered at " + settings.connectResults() + " within "
                + timeoutMillis + " ms: the dead letters of a brokerless queue live in its worker, which must be up");
    }

    @Override
    public long count() {
        return ByteBuffer.wrap(ask("count")).getLong();
    }

    @Override
    public List<DeadLetter> list(int max) {
        return DeadLetterCodec.decode(ask("list", Frames.int32(max)));
    }

    @Override
    public int retry(List<String> ids) {
        return Frames.int32(ask("retry", ids.stream().map(Frames::utf8).toArray(byte[][]::new)));
    }

    @Override
    public int purge(List<String> ids) {
        return Frames.int32(ask("purge", ids.stream().map(Frames::utf8).toArray(byte[][]::new)));
    }

    /** The worker, if it answers quickly: a brokerless queue whose worker is gone has no live workers. */
    @Override
    public List<WorkerInfo> workers() {
        try {
            byte[] payload = ask(QUICK_MILLIS, "workers");
            return payload.length == 0 ? List.of() : List.of(WorkerInfoCodec.decode(payload));
        } catch (BackendUnavailableException gone) {
            return List.of();
        }
    }

    @Override
    public QueueStats stats() {
        try {
            ByteBuffer b = ByteBuffer.wrap(ask(QUICK_MILLIS, "stats"));
            return new QueueStats(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        } catch (BackendUnavailableException gone) {
            return QueueStats.UNKNOWN;
        }
    }

    @Override
    public synchronized void close() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }
}
