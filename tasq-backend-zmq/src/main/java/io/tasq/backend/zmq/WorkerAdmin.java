package io.tasq.backend.zmq;

import io.tasq.spi.DeadLetter;
import io.tasq.spi.WorkerInfo;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The worker's answers to operators' requests ({@code tq dead}, {@code tq inspect}, the dashboard),
 * asked through {@link ZmqAdmin}. The consumer calls it only for a peer that proved a trusted key.
 * Thread-safe as far as its collaborators are.
 */
final class WorkerAdmin {

    private final DeadLetterStore dead;
    private final Supplier<WorkerInfo> heartbeat;
    private final IntSupplier unsettled;
    private final Consumer<DeadLetter> redeliver;
    private final long maxReplyBytes;

    /**
     * @param redeliver sends a dead letter back to the worker as a new delivery (attempt 1)
     * @param maxReplyBytes the largest reply: a list stops before it (the operator's DEALER takes
     *     no larger message)
     */
    WorkerAdmin(DeadLetterStore dead, Supplier<WorkerInfo> heartbeat, IntSupplier unsettled,
            Consumer<DeadLetter> redeliver, long maxReplyBytes) {
        this.dead = dead;
        this.heartbeat = heartbeat;
        this.unsettled = unsettled;
        this.redeliver = redeliver;
        this.maxReplyBytes = maxReplyBytes;
    }

    /** The payload answering {@code op}; {@code args} are the frames after it. */
    byte[] answer(String op, List<byte[]> args) {
        return switch (op) {
            case "count" -> ByteBuffer.allocate(8).putLong(dead.count()).array();
            case "dropped" -> ByteBuffer.allocate(8).putLong(dead.dropped()).array();
            case "workers" -> {
                WorkerInfo me = heartbeat.get();
                yield me == null ? new byte[0] : io.tasq.internal.WorkerInfoCodec.encode(me);
            }
            case "stats" -> {
                WorkerInfo me = heartbeat.get();
                // jobs wait in their clients, not here: only what the worker holds is known
                yield ByteBuffer.allocate(32).putLong(-1).putLong(unsettled.getAsInt())
                        .putLong(me == null ? -1 : me.held()).putLong(dead.count()).array();
            }
            case "list" -> {
                int max = args.isEmpty() ? 100 : Frames.int32(args.get(0));
                // room for the list's own framing, so that the reply stays within the limit
                yield DeadLetterCodec.encode(dead.list(Math.max(0, max), maxReplyBytes - 64 * 1024));
            }
            case "retry" -> Frames.int32(dead.remove(ids(args), redeliver));
            case "purge" -> Frames.int32(dead.remove(ids(args), d -> {
            }));
            default -> new byte[0];
        };
    }

    private static Set<String> ids(List<byte[]> args) {
        Set<String> ids = new HashSet<>();
        for (byte[] a : args) {
            ids.add(Frames.string(a));
        }
        return ids;
    }
}
