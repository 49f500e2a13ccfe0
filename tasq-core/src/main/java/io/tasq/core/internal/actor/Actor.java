package io.tasq.core.internal.actor;

import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailbox and the one thread that works through it, message by message, with a fixed behaviour.
 * A message that throws is logged and the actor goes on with the next one.
 *
 * <p>Thread-safe: any thread may {@link #tell} it.
 *
 * @param <M> the type of its messages
 */
public final class Actor<M> {

    private static final Logger LOG = LoggerFactory.getLogger(Actor.class);
    private static final Object STOP = new Object();

    private final String name;
    private final Consumer<M> behaviour;
    private final BlockingQueue<Object> mailbox = new LinkedBlockingQueue<>();
    private final AtomicInteger load = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Actor<M> successor;

    /**
     * Creates and starts an actor.
     *
     * @param name its name, also its thread's
     * @param behaviour what it does with each message
     */
    public Actor(String name, Consumer<M> behaviour) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour == null");
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The actor's name. */
    public String name() {
        return name;
    }

    /** Queues a message; returns at once. Messages told after {@link #stop} are dropped. */
    public void tell(M message) {
        Objects.requireNonNull(message, "message == null");
        Actor<M> next = successor;
        if (next != null) {
            next.tell(message);
            return;
        }
        if (stopping) {
            throw new IllegalStateException("actor " + name + " is stopped");
        }
        load.incrementAndGet();
        mailbox.add(message);
    }

    /**
     * Hands this actor's waiting messages, and every later one, to {@code successor}, and stops once
     * the message in hand returns: for an actor stuck in a job that ignores interrupts.
     */
    @SuppressWarnings("unchecked")
    void retireTo(Actor<M> successor) {
        this.successor = successor;
        stopping = true;
        for (Object m; (m = mailbox.poll()) != null; ) {
            if (m != STOP) {
                load.decrementAndGet();
                successor.tell((M) m);
            }
        }
        mailbox.add(STOP);
    }

    /** Messages waiting plus the one in hand: what a smallest-mailbox router compares. */
    public int load() {
        return load.get();
    }

    /** Stops after the messages already queued have been handled. */
    public void stop() {
        stopping = true;
        mailbox.add(STOP);
    }

    /** The actor's thread. */
    public Thread thread() {
        return thread;
    }

    /** Interrupts the message in hand, if any; used to cancel a running job or stop at once. */
    public void interrupt() {
        thread.interrupt();
    }

    /** Waits until the actor has stopped. */
    public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        thread.join(Math.max(1, unit.toMillis(timeout)));
        return !thread.isAlive();
    }

    @SuppressWarnings("unchecked")
    private void loop() {
        while (true) {
            Object message;
            try {
                message = mailbox.take();
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
                continue; // an interrupt meant for a finished message
            }
            if (message == STOP) {
                return;
            }
            try {
                behaviour.accept((M) message);
            } catch (Throwable t) {
                LOG.error("actor {} failed on a message and goes on", name, t);
            } finally {
                load.decrementAndGet();
                Thread.interrupted(); // never carry an interrupt over to the next message
            }
        }
    }

    @Override
    public String toString() {
        return "Actor{" + name + ", load=" + load.get() + "}";
    }
}
