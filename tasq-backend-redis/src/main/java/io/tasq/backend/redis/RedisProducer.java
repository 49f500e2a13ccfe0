package io.tasq.backend.redis;

import io.tasq.ClientClosedException;
import io.tasq.TasqException;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import io.tasq.spi.ResultListener;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import redis.clients.jedis.params.XAddParams;

/**
 * The client side. {@link #send} only queues; a sender thread takes what is queued, up to
 * {@value #BATCH} jobs at a time, and writes them in one pipeline on a pooled connection:
 * {@code XADD} to the jobs stream, or {@code ZADD} to the delayed set for a job that must wait. A
 * job's stage completes when Redis has answered for it. If the connection breaks, every job not yet
 * answered for is written again after a backoff, until Redis is back: a job may then be in the
 * stream twice, and its second result is ignored by the client. Results are read by a
 * {@link RedisResultReader} on a connection of its own.
 *
 * <p>Thread-safe: any thread may send.
 */
final class RedisProducer implements JobProducer {

    private static final Logger LOG = LoggerFactory.getLogger(RedisProducer.class);
    static final int BATCH = 512;

    private record Outgoing(OutboundJob job, CompletableFuture<Void> accepted) {
    }

    private final RedisConnections connections;
    private final Keys keys;
    private final String clientId;
    private final Clock clock;
    private final RedisResultReader results;
    private final LinkedBlockingQueue<Outgoing> outbox = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean running = true;

    /**
     * Connects at once (the result reader's connection), so that a bad address fails here.
     *
     * @throws io.tasq.TasqException naming the address if the server cannot be reached
     */
    RedisProducer(RedisConnections connections, Keys keys, String clientId, ResultListener listener, Clock clock,
            long blockMillis) {
        this.connections = connections;
        this.keys = keys;
        this.clientId = clientId;
        this.clock = clock;
        this.results = new RedisResultReader(connections, keys.results(clientId), clientId, listener, blockMillis);
        this.sender = new Thread(this::sendLoop, "tasq-redis-send-" + clientId);
        sender.setDaemon(true);
        results.start();
        sender.start();
    }

    @Override
    public CompletionStage<Void> send(OutboundJob job) {
        Outgoing o = new Outgoing(job, new CompletableFuture<>());
        if (!running) {
            o.accepted.completeExceptionally(closed(job));
            return o.accepted;
        }
        outbox.add(o);
        return o.accepted;
    }

    private void sendLoop() {
        Backoff backoff = new Backoff();
        List<Outgoing> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                Outgoing first = outbox.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbox.drainTo(batch, BATCH - 1);
            } catch (InterruptedException e) {
                break;
            }
            while (!batch.isEmpty() && running) {
                batch = write(batch, backoff);
                if (!batch.isEmpty() && !backoff.pause(() -> running)) {
                    break;
                }
            }
        }
        batch.addAll(outbox);
        outbox.clear();
        batch.forEach(o -> o.accepted.completeExceptionally(closed(o.job)));
    }

    /** Writes the batch in one pipeline; returns the jobs to write again. */
    private List<Outgoing> write(List<Outgoing> batch, Backoff backoff) {
        List<Response<?>> answers = new ArrayList<>(batch.size());
        try (Jedis j = connections.borrow()) {
            Pipeline p = j.pipelined();
            long now = clock.millis();
            int streamed = 0;
            for (Outgoing o : batch) {
                OutboundJob job = o.job;
                boolean later = job.notBeforeMillis() > now;
                answers.add(later ? p.zadd(keys.delayed(), job.notBeforeMillis(), Entries.delayedMember(job))
                        : p.xadd(keys.jobs(), XAddParams.xAddParams(), Entries.fields(job)));
                streamed += later ? 0 : 1;
            }
            // idle workers wait on the doorbell, not on the stream (see JobReads)
            Response<Object> ring = streamed == 0 ? null
                    : Script.RING.queue(p, List.of(keys.ring()), List.of(Keys.bytes(Integer.toString(streamed))));
            p.sync();
            rung(j, ring);
        } catch (JedisException e) {
            // nothing is known to have landed: all of it goes again (a copy may then be in Redis twice)
            connections.clearIdle();
            if (!backoff.failing()) {
                LOG.warn("client {} cannot write to {} ({}); {} job(s) wait and are sent again when it is back",
                        clientId, connections.url(), RedisErrors.message(e), batch.size() + outbox.size());
            }
            return batch;
        }
        if (backoff.failing()) {
            LOG.info("client {} writes to {} again", clientId, connections.url());
            backoff.reset();
        }
        List<Outgoing> again = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Outgoing o = batch.get(i);
            try {
                answers.get(i).get();
                o.accepted.complete(null);
            } catch (JedisDataException e) {
                if (connections.retryable(e)) {
                    again.add(o);
                } else {
                    o.accepted.completeExceptionally(new TasqException("Redis at " + connections.url()
                            + " refused job " + o.job.jobId() + ": " + e.getMessage(), e));
                }
            }
        }
        if (!again.isEmpty()) {
            LOG.warn("client {}: {} is busy; {} job(s) are sent again", clientId, connections.url(), again.size());
        }
        return again;
    }

    /**
     * Whether the doorbell rang does not change what was sent: without it, workers read the jobs at
     * their next timeout. A server that forgot the script gets it again, for the next batch.
     */
    private void rung(Jedis j, Response<Object> ring) {
        if (ring == null) {
            return;
        }
        try {
            ring.get();
        } catch (JedisNoScriptException e) {
            Script.loadAll(j);
        } catch (JedisDataException e) {
            LOG.debug("client {} could not ring the doorbell of {}: {}", clientId, Keys.name(keys.jobs()),
                    e.getMessage());
        }
    }

    private ClientClosedException closed(OutboundJob job) {
        return new ClientClosedException("the Redis connection of client " + clientId + " closed before job "
                + job.jobId() + " reached " + connections.url());
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        results.close();
        try {
            sender.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
