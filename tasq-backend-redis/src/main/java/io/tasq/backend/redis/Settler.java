package io.tasq.backend.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Writes a worker's settlements (results, acknowledgements, hand-backs, dead letters) from one
 * thread, batching whatever has queued up into one pipeline of scripts. Each script is atomic, so a
 * batch cut short by a lost connection is simply written again: pushing a result twice is harmless
 * (the client ignores the copy) and acknowledging twice does nothing. Ops that failed for a
 * connection or a transient server state wait and go again; the entries they settle stay pending in
 * Redis meanwhile, so nothing is lost if the worker dies before they are written.
 *
 * <p>Thread-safe: any thread may {@link #submit}.
 */
final class Settler {

    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
    private static final int BATCH = 256;

    /**
     * One settlement.
     *
     * @param script what to run
     * @param keys its keys
     * @param args its arguments
     * @param what for messages, for example {@code result of job x}
     * @param done called once Redis has taken it, or {@code null}
     */
    record Op(Script script, List<byte[]> keys, List<byte[]> args, String what, Runnable done) {
    }

    private final RedisConnections connections;
    private final String workerId;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final java.util.function.Consumer<Throwable> died;
    private volatile boolean running = true;
    private volatile long deadline = Long.MAX_VALUE;

    /** @param died told if the settler's thread dies of something other than a close */
    Settler(RedisConnections connections, String workerId, java.util.function.Consumer<Throwable> died) {
        this.connections = connections;
        this.workerId = workerId;
        this.died = died;
        this.thread = new Thread(this::run, "tasq-redis-settle-" + workerId);
        thread.setDaemon(true);
        thread.start();
    }

    void submit(Op op) {
        queue.add(op);
    }

    private boolean goOn() {
        return running || (!queue.isEmpty() && System.nanoTime() < deadline);
    }

    private void run() {
        try {
            loop();
        } catch (Throwable t) {
            died.accept(t);
            if (t instanceof Error e) {
                throw e;
            }
        }
    }

    private void loop() {
        Backoff backoff = new Backoff();
        List<Op> batch = new ArrayList<>(BATCH);
        while (goOn() || !batch.isEmpty() && System.nanoTime() < deadline) {
            if (batch.isEmpty()) {
                try {
                    Op first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                } catch (InterruptedException e) {
                    break;
                }
            }
            queue.drainTo(batch, BATCH - batch.size());
            batch = write(batch, backoff);
            if (!batch.isEmpty() && !backoff.pause(() -> System.nanoTime() < deadline)) {
                break;
            }
        }
        batch.addAll(queue);
        if (!batch.isEmpty()) {
            LOG.warn("worker {} closed with {} settlement(s) not written to {}; their jobs stay pending there and "
                    + "are delivered again after the visibility timeout", workerId, batch.size(), connections.url());
        }
    }

    /** Writes the batch in one pipeline; returns the ops to write again. */
    private List<Op> write(List<Op> batch, Backoff backoff) {
        try (Jedis j = connections.borrow()) {
            List<Op> again = new ArrayList<>();
            if (pipeline(j, batch, again)) {
                Script.loadAll(j); // the server restarted and forgot the scripts
                List<Op> retry = again;
                again = new ArrayList<>();
                pipeline(j, retry, again);
            }
            if (backoff.failing()) {
                LOG.info("worker {} writes results to {} again", workerId, connections.url());
                backoff.reset();
            }
            return again;
        } catch (JedisException e) {
            connections.clearIdle();
            if (!backoff.failing()) {
                LOG.warn("worker {} cannot write results to {} ({}); {} wait and go when it is back", workerId,
                        connections.url(), RedisErrors.message(e), batch.size() + queue.size());
            }
            return batch;
        }
    }

    /** Runs the ops in one pipeline, adds those to retry to {@code again}; true if a script was missing. */
    private boolean pipeline(Jedis j, List<Op> ops, List<Op> again) {
        List<Response<Object>> answers = new ArrayList<>(ops.size());
        Pipeline p = j.pipelined();
        for (Op op : ops) {
            answers.add(op.script().queue(p, op.keys(), op.args()));
        }
        p.sync();
        boolean missing = false;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            try {
                answers.get(i).get();
                if (op.done() != null) {
                    op.done().run();
                }
            } catch (JedisNoScriptException e) {
                missing = true;
                again.add(op);
            } catch (JedisDataException e) {
                if (connections.retryable(e)) {
                    again.add(op);
                } else {
                    // a broken key (wrong type) cannot be mended by retrying; the entry stays pending
                    LOG.error("worker {}: Redis refused the {}: {}", workerId, op.what(), e.getMessage());
                }
            }
        }
        return missing;
    }

    /** Writes what is queued, for up to {@code waitMillis} if the server is away, then stops. */
    void close(long waitMillis) {
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        running = false;
        try {
            thread.join(waitMillis + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
