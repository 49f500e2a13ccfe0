package io.tasq.backend.redis;

import io.tasq.spi.ResultMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the settlement scripts' calls for one queue and one worker, so the consumer and its
 * deliveries speak in settlements, not in script arguments. Immutable and thread-safe.
 */
final class Ops {

    private static final byte[] GROUP = Keys.bytes(Keys.GROUP);
    private static final byte[] NONE = new byte[0];

    private final Keys keys;
    private final byte[] consumer;
    private final byte[] ttl;
    private final byte[] maxHeld;
    private final byte[] deadMax;

    Ops(Keys keys, RedisSettings settings, String workerId) {
        this.keys = keys;
        this.consumer = Keys.bytes(workerId);
        this.ttl = Keys.bytes(Long.toString(settings.resultTtl().toMillis()));
        this.maxHeld = Keys.bytes(Integer.toString(settings.maxHeldResults()));
        this.deadMax = Keys.bytes(Integer.toString(settings.deadLetterMax()));
    }

    /** Push {@code result} to its client and, if {@code entry} is not null, acknowledge and delete it. */
    Settler.Op complete(Entries.Entry entry, ResultMessage result) {
        return new Settler.Op(Script.COMPLETE, List.of(keys.jobs(), keys.results(result.replyTo())),
                List.of(GROUP, entry == null ? NONE : Keys.bytes(entry.id()), result.body(), ttl, maxHeld),
                "result of job " + result.jobId() + " for client " + result.replyTo(), null);
    }

    /** Acknowledge and delete {@code entry}. */
    Settler.Op ack(Entries.Entry entry) {
        return new Settler.Op(Script.ACK, List.of(keys.jobs()), List.of(GROUP, Keys.bytes(entry.id())),
                "acknowledgement of job " + entry.jobId(), null);
    }

    /** Hand {@code entry} back: a new entry saying it was delivered {@code attempts} times replaces it. */
    Settler.Op requeue(Entries.Entry entry, int attempts) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, Keys.bytes(entry.id()), consumer,
                Keys.bytes(Integer.toString(attempts))));
        entry.fields().forEach((k, v) -> {
            if (!k.equals(Entries.TRIES)) {
                args.add(Keys.bytes(k));
                args.add(v);
            }
        });
        return new Settler.Op(Script.REQUEUE, List.of(keys.jobs()), args, "hand-back of job " + entry.jobId(), null);
    }

    /** Move {@code entry} to the dead letters with {@code reason}, then acknowledge and delete it. */
    Settler.Op reject(Entries.Entry entry, String reason, long nowMillis) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, Keys.bytes(entry.id()), deadMax,
                Keys.bytes("reason"), Keys.bytes(reason), Keys.bytes("worker"), consumer,
                Keys.bytes("entry"), Keys.bytes(entry.id()), Keys.bytes("at"), Keys.bytes(Long.toString(nowMillis))));
        args.addAll(entry.flat());
        return new Settler.Op(Script.REJECT, List.of(keys.jobs(), keys.dead()), args,
                "dead letter for job " + entry.jobId(), null);
    }

}
