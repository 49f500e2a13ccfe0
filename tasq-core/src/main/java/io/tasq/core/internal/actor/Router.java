package io.tasq.core.internal.actor;

import io.tasq.core.worker.RoutingStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A pool of actors with the same behaviour behind a {@link RoutingStrategy}: each message goes to
 * one actor, picked by the strategy. Thread-safe.
 *
 * @param <M> the type of the messages
 */
public final class Router<M> {

    private volatile List<Actor<M>> actors;
    private final String prefix;
    private final Consumer<M> behaviour;
    private final RoutingStrategy strategy;
    private final Selector selector;
    private int replaced;

    /**
     * Starts {@code size} actors named {@code prefix-1} to {@code prefix-size}.
     *
     * @param behaviour what each actor does with a message; called by several actors at once
     */
    public Router(String prefix, int size, RoutingStrategy strategy, Consumer<M> behaviour) {
        if (size < 1) {
            throw new IllegalArgumentException("a router needs at least one actor, got " + size);
        }
        this.strategy = Objects.requireNonNull(strategy, "strategy == null");
        this.prefix = prefix;
        this.behaviour = behaviour;
        this.selector = Selector.of(strategy);
        List<Actor<M>> list = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            list.add(new Actor<>(prefix + "-" + i, behaviour));
        }
        this.actors = List.copyOf(list);
    }

    /**
     * Sends a message to the actor the strategy picks, unless that one is busy while another is idle:
     * then to the idle one, so that no message waits behind a long job while an actor has nothing to
     * do (a cancel behind the very job it cancels). Returns the actor.
     */
    @SuppressWarnings("unchecked")
    public Actor<M> route(M message) {
        List<Actor<M>> now = actors;
        Actor<M> actor = (Actor<M>) selector.select(now);
        if (actor.load() > 0) {
            for (Actor<M> a : now) {
                if (a.load() == 0) {
                    actor = a;
                    break;
                }
            }
        }
        actor.tell(message);
        return actor;
    }

    /**
     * Replaces the actor running on {@code thread} (stuck in a job that ignores interrupts) with a
     * fresh one, which takes over its waiting messages; the old thread ends once its job returns.
     *
     * @return whether an actor ran on that thread
     */
    public synchronized boolean replace(Thread thread) {
        List<Actor<M>> now = new ArrayList<>(actors);
        for (int i = 0; i < now.size(); i++) {
            Actor<M> old = now.get(i);
            if (old.thread() == thread) {
                Actor<M> fresh = new Actor<>(prefix + "-" + (now.size() + ++replaced), behaviour);
                now.set(i, fresh);
                actors = List.copyOf(now);
                old.retireTo(fresh);
                return true;
            }
        }
        return false;
    }

    /** The actors, in order. */
    public List<Actor<M>> actors() {
        return actors;
    }

    /** The strategy. */
    public RoutingStrategy strategy() {
        return strategy;
    }

    /** The messages waiting or in hand over all actors. */
    public int load() {
        int sum = 0;
        for (Actor<M> a : actors) {
            sum += a.load();
        }
        return sum;
    }

    /** Stops every actor after its queued messages. */
    public void stop() {
        actors.forEach(Actor::stop);
    }

    /** Interrupts every actor's message in hand. */
    public void interruptAll() {
        actors.forEach(Actor::interrupt);
    }

    /** Waits for every actor to stop; {@code false} if some did not in time. */
    public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Actor<M> a : actors) {
            if (!a.awaitStop(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
