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
                Keys.bytes(Integer.toString(attempts)), Keys.bytes(Integer.toString(entry.lost()))));
        entry.fields().forEach((k, v) -> {
            if (!k.equals(Entries.TRIES) && !k.equals(Entries.LOST)) {
                args.add(Keys.bytes(k));
                args.add(v);
            }
        });
        return new Settler.Op(Script.REQUEUE, List.of(keys.jobs()), args, "hand-back of job " + entry.jobId(), null);
    }

    /**
     * Acknowledge and delete {@code entry}, in the same step as the job goes into the delayed set, due
     * at {@code notBeforeMillis}, to be delivered again as attempt {@code attempt} + 1.
     */
    Settler.Op retry(Entries.Entry entry, int attempt, long notBeforeMillis) {
        byte[] job = Entries.packed("", entry.jobId(), entry.replyTo(), entry.body());
        return new Settler.Op(Script.RETRY, List.of(keys.jobs(), keys.delayed()), List.of(GROUP,
                Keys.bytes(entry.id()), consumer, Keys.bytes(Long.toString(notBeforeMillis)),
                Keys.bytes(Integer.toString(attempt)), Keys.bytes(Long.toString(entry.run())),
                Keys.bytes(Integer.toString(entry.lost())), job), "retry of job " + entry.jobId(), null);
    }

    /**
     * Move {@code entry} to the dead letters with {@code reason} and the {@code attempts} it had, then
     * acknowledge and delete it.
     */
    Settler.Op reject(Entries.Entry entry, String reason, int attempts, long nowMillis) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, Keys.bytes(entry.id())));
        args.addAll(deadFields(reason, attempts, nowMillis));
        args.add(Keys.bytes("entry"));
        args.add(Keys.bytes(entry.id()));
        args.addAll(entry.flat());
        return new Settler.Op(Script.REJECT, List.of(keys.jobs(), keys.dead()), args,
                "dead letter for job " + entry.jobId(), null);
    }

    /** Put a job the worker holds itself (no entry to settle) into the dead letters. */
    Settler.Op deadLetter(String jobId, String replyTo, byte[] envelope, String reason, int attempts, long nowMillis) {
        List<byte[]> args = new ArrayList<>(List.of(GROUP, NONE));
        args.addAll(deadFields(reason, attempts, nowMillis));
        args.addAll(List.of(Keys.bytes(Entries.JOB), Keys.bytes(jobId), Keys.bytes(Entries.TO), Keys.bytes(replyTo),
                Keys.bytes(Entries.BODY), envelope));
        return new Settler.Op(Script.REJECT, List.of(keys.jobs(), keys.dead()), args, "dead letter for job " + jobId,
                null);
    }

    /** The dead-letter cap, then the fields every dead letter written by a worker starts with. */
    private List<byte[]> deadFields(String reason, int attempts, long nowMillis) {
        return List.of(deadMax, Keys.bytes("reason"), Keys.bytes(reason), Keys.bytes("worker"), consumer,
                Keys.bytes("attempts"), Keys.bytes(Integer.toString(attempts)), Keys.bytes("at"),
                Keys.bytes(Long.toString(nowMillis)));
    }

}
