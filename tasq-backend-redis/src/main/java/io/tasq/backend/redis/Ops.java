package io.tasq.backend.redis;

import io.tasq.spi.Limits;
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
    /** The longest reason a dead letter keeps: reasons may quote what was refused. */
    private static final int MAX_REASON = 1024;

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
                "result of job " + Entries.printable(result.jobId()) + " for client "
                        + Entries.printable(result.replyTo()), null);
    }

    /** Acknowledge and delete {@code entry}. */
    Settler.Op ack(Entries.Entry entry) {
        return new Settler.Op(Script.ACK, List.of(keys.jobs()), List.of(GROUP, Keys.bytes(entry.id())),
                "acknowledgement of job " + entry.label(), null);
    }

    /**
     * Hand {@code entry} back: a new entry saying it was delivered {@code attempts} times replaces it;
     * the replay claim {@code claim} (a job key, or {@code null}) moves to the new entry.
     */
    Settler.Op requeue(Entries.Entry entry, int attempts, String claim) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, Keys.bytes(entry.id()), consumer,
                Keys.bytes(Integer.toString(attempts)), Keys.bytes(Integer.toString(entry.lost()))));
        entry.fields().forEach((k, v) -> {
            if (!k.equals(Entries.TRIES) && !k.equals(Entries.LOST)) {
                args.add(Keys.bytes(k));
                args.add(v);
            }
        });
        return new Settler.Op(Script.REQUEUE, withClaim(claim, keys.jobs(), keys.ring()), args,
                "hand-back of job " + entry.label(), null);
    }

    /**
     * Acknowledge and delete {@code entry}, in the same step as the job goes into the delayed set, due
     * at {@code notBeforeMillis}, to be delivered again as attempt {@code deliveries} + 1; the replay
     * claim {@code claim} (a job key, or {@code null}) is given up. A retry passes the attempt it had,
     * a deferral the attempt before it, so that the job comes back with the same one.
     */
    Settler.Op retry(Entries.Entry entry, int deliveries, long notBeforeMillis, String claim, String what) {
        byte[] job = Entries.packed("", entry.jobId(), entry.replyTo(), entry.body());
        return new Settler.Op(Script.RETRY, withClaim(claim, keys.jobs(), keys.delayed()), List.of(GROUP,
                Keys.bytes(entry.id()), consumer, Keys.bytes(Long.toString(notBeforeMillis)),
                Keys.bytes(Integer.toString(deliveries)), Keys.bytes(Long.toString(entry.run())),
                Keys.bytes(Integer.toString(entry.lost())), job), what + " of job " + entry.label(), null);
    }

    /**
     * Move {@code entry} to the dead letters with {@code reason} and the {@code attempts} it had, then
     * acknowledge and delete it. The whole entry is kept (a verified job: {@code tq dead retry} can
     * send it back); {@code claim}, the job key it claimed against replays or {@code null}, is noted
     * so that a retry moves the claim along.
     */
    Settler.Op reject(Entries.Entry entry, String reason, int attempts, long nowMillis, String claim) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, Keys.bytes(entry.id())));
        args.addAll(deadFields(reason, attempts, nowMillis));
        args.add(Keys.bytes("entry"));
        args.add(Keys.bytes(entry.id()));
        if (claim != null) {
            args.add(Keys.bytes("claim"));
            args.add(Keys.bytes(claim));
        }
        args.addAll(entry.flat());
        return new Settler.Op(Script.REJECT, List.of(keys.jobs(), keys.dead(), keys.deadDropped()), args,
                "dead letter for job " + entry.label(), null);
    }

    /**
     * Move {@code entry}, which failed verification, to the dead letters, then acknowledge and delete
     * it: only the first {@link Limits#REFUSED_BYTES_KEPT} bytes of its body are kept, with its size,
     * and none of its other fields (job id, client id, counts: all unverified). {@code tq dead retry}
     * sends such a dead letter back only if its body was kept whole (the worker verifies it again).
     */
    Settler.Op refuse(Entries.Entry entry, String reason, int attempts, long nowMillis) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, Keys.bytes(entry.id())));
        args.addAll(deadFields(reason, attempts, nowMillis));
        args.add(Keys.bytes("entry"));
        args.add(Keys.bytes(entry.id()));
        byte[] body = entry.body();
        if (body != null) {
            args.add(Keys.bytes("size"));
            args.add(Keys.bytes(Integer.toString(body.length)));
            args.add(Keys.bytes(Entries.BODY));
            args.add(Limits.refusedBytes(body));
        }
        return new Settler.Op(Script.REJECT, List.of(keys.jobs(), keys.dead(), keys.deadDropped()), args,
                "dead letter for refused entry " + entry.id(), null);
    }

    /** Put a job the worker holds itself (no entry to settle) into the dead letters. */
    Settler.Op deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts, long nowMillis) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, NONE));
        args.addAll(deadFields(reason, attempts, nowMillis));
        args.addAll(List.of(Keys.bytes(Entries.JOB), Keys.bytes(jobId), Keys.bytes(Entries.TO), Keys.bytes(replyTo),
                Keys.bytes(Entries.BODY), envelope));
        return new Settler.Op(Script.REJECT, List.of(keys.jobs(), keys.dead(), keys.deadDropped()), args,
                "dead letter for job " + Entries.printable(jobId), null);
    }

    /** The dead-letter cap, then the fields every dead letter written by a worker starts with. */
    private List<byte[]> deadFields(String reason, int attempts, long nowMillis) {
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        return List.of(deadMax, Keys.bytes("reason"), Keys.bytes(why), Keys.bytes("worker"), consumer,
                Keys.bytes("attempts"), Keys.bytes(Integer.toString(attempts)), Keys.bytes("at"),
                Keys.bytes(Long.toString(nowMillis)));
    }

    /** {@code first} keys, then the replay claim of {@code jobKey} if there is one. */
    private List<byte[]> withClaim(String jobKey, byte[]... first) {
        List<byte[]> out = new ArrayList<>(List.of(first));
        if (jobKey != null) {
            out.add(keys.taken(jobKey));
        }
        return out;
    }
}
