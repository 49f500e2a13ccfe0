package io.tasq.backend.redis;

import io.tasq.spi.Delivery;
import io.tasq.spi.ResultMessage;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream entry delivered to a worker. The first settlement wins and is handed to the consumer
 * as a script call; later ones do nothing. A settlement that sends the job round again (a hand-back,
 * a retry, a deferral) takes along the replay claim the worker made for it, if any
 * ({@link RedisReplayGuard}), so that the job is not taken for a replay of itself. Thread-safe.
 */
final class RedisDelivery implements Delivery {

    /** What a delivery's owner does with its one settlement. */
    interface Owner {
        Ops ops();

        long now();

        /** {@code delivery} was settled by {@code op}: free its slot and write the op. */
        void settled(RedisDelivery delivery, Settler.Op op);
    }

    private final Entries.Entry entry;
    private final int attempt;
    private final Owner owner;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile String claim;

    RedisDelivery(Entries.Entry entry, int attempt, Owner owner) {
        this.entry = entry;
        this.attempt = attempt;
        this.owner = owner;
    }

    Entries.Entry entry() {
        return entry;
    }

    /** The stream entry id: the same when the entry is taken over after its worker was lost. */
    @Override
    public String id() {
        return entry.id();
    }

    boolean isSettled() {
        return settled.get();
    }

    /** This delivery claimed the verified job {@code jobKey} against replays. */
    void claimed(String jobKey) {
        claim = jobKey;
    }

    @Override
    public byte[] body() {
        return entry.body();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public long run() {
        return entry.run();
    }

    /** Moves the job into the delayed set in the same script that settles the entry ({@code retry.lua}). */
    @Override
    public boolean retry(long notBeforeMillis) {
        if (settled.compareAndSet(false, true)) {
            owner.settled(this, owner.ops().retry(entry, attempt, notBeforeMillis, claim, "retry"));
        }
        return true;
    }

    /**
     * Moves the verified job, which came early, into the delayed set until {@code notBeforeMillis},
     * in the same script that settles the entry ({@code retry.lua}); it comes back with this attempt.
     */
    @Override
    public boolean defer(long notBeforeMillis) {
        if (settled.compareAndSet(false, true)) {
            owner.settled(this, owner.ops().retry(entry, attempt - 1, notBeforeMillis, claim, "deferral"));
        }
        return true;
    }

    @Override
    public void complete(ResultMessage result) {
        Objects.requireNonNull(result, "result == null");
        if (settled.compareAndSet(false, true)) {
            owner.settled(this, owner.ops().complete(entry, result));
        }
    }

    @Override
    public void ack() {
        if (settled.compareAndSet(false, true)) {
            owner.settled(this, owner.ops().ack(entry));
        }
    }

    @Override
    public void release() {
        if (settled.compareAndSet(false, true)) {
            owner.settled(this, owner.ops().requeue(entry, attempt, claim));
        }
    }

    @Override
    public void reject(String reason) {
        if (settled.compareAndSet(false, true)) {
            owner.settled(this, owner.ops().reject(entry, reason == null ? "rejected" : reason, attempt, owner.now(),
                    claim));
        }
    }

    /** Dead-letters the first bytes of the body only, and nothing else of the entry ({@link Ops#refuse}). */
    @Override
    public void refuse(String reason) {
        if (settled.compareAndSet(false, true)) {
            owner.settled(this, owner.ops().refuse(entry, reason == null ? "refused" : reason, attempt, owner.now()));
        }
    }

    @Override
    public String toString() {
        return "RedisDelivery{entry=" + entry.id() + ", job=" + entry.label() + ", attempt=" + attempt
                + (entry.run() > 0 ? ", run=" + entry.run() : "") + "}";
    }
}
