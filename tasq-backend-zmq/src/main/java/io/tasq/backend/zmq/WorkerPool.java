package io.tasq.backend.zmq;

import io.tasq.backend.zmq.ZmqSettings.Endpoint;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's jobs over the workers of its pool, without sockets: which worker each unsettled job is
 * assigned to, which workers are up, and what happens to a worker's jobs when it goes away.
 *
 * <p>A worker is up from its first pong until it is silent for the worker timeout. A job goes to a
 * worker that is up, picked by a {@link WorkerPicker}; with none up it waits, and the waiting jobs go
 * out in order when the first one answers. A job stays unsettled until its result arrives, and is
 * routed again (its next send carries a higher attempt) when its worker is taken out (silent),
 * restarts (a new instance id in its pong: the old one's jobs are gone) or hands it back (stopping).
 *
 * <p>Not thread-safe: its client's IO lock guards it. Time comes from the {@link Clock} it is given.
 */
final class WorkerPool {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final String clientId;
    private final WorkerPicker picker;
    private final long timeoutMillis;
    private final Clock clock;
    private final List<PoolMember> members = new ArrayList<>();
    private final Map<String, PooledJob> unsettled = new LinkedHashMap<>();
    /** Jobs waiting for any worker to be up. */
    private final ArrayDeque<PooledJob> waiting = new ArrayDeque<>();

    /**
     * @param clientId for the log
     * @param timeoutMillis the silence after which a worker is taken out
     */
    WorkerPool(String clientId, WorkerPicker picker, long timeoutMillis, Clock clock) {
        this.clientId = clientId;
        this.picker = picker;
        this.timeoutMillis = timeoutMillis;
        this.clock = clock;
    }

    /** Adds a worker, down until its first pong. */
    PoolMember add(Endpoint endpoint) {
        PoolMember m = new PoolMember(endpoint);
        members.add(m);
        return m;
    }

    boolean contains(Endpoint endpoint) {
        return members.stream().anyMatch(m -> m.endpoint.equals(endpoint));
    }

    /** Takes a job in: unsettled until its result comes, and assigned to a worker or waiting for one. */
    void accept(PooledJob job) {
        unsettled.put(job.job.jobId(), job);
        route(job);
    }

    /** Settles a job never handed to a connection, so that it is never sent; false if it was sent (or is unknown). */
    boolean withdraw(String jobId) {
        PooledJob job = unsettled.get(jobId);
        boolean neverSent = job != null && job.sends == 0;
        if (neverSent) {
            markSettled(unsettled.remove(jobId)); // the queue it waits in skips it
        }
        return neverSent;
    }

    /** Settles the job whose result came; returns it, or null for a job not (or no longer) unsettled. */
    PooledJob settle(String jobId) {
        PooledJob job = unsettled.remove(jobId);
        markSettled(job);
        return job;
    }

    private static void markSettled(PooledJob job) {
        if (job != null) {
            unassign(job);
            job.settled = true;
        }
    }

    /** The jobs without a result, in submission order. */
    List<PooledJob> unsettled() {
        return new ArrayList<>(unsettled.values());
    }

    /**
     * Hands a worker's backlog to {@code send} (its connection), in order, while it takes them; a
     * job it took is sent ({@link PooledJob#sends} raised, its stage completed). Returns how many went.
     */
    int handOver(PoolMember m, Predicate<PooledJob> send) {
        if (!m.up) {
            return 0;
        }
        int sent = 0;
        while (!m.backlog.isEmpty()) {
            PooledJob job = m.backlog.peek();
            if (job.settled || job.member != m || !job.queued) { // settled or moved while waiting
                m.backlog.poll();
                continue;
            }
            if (!send.test(job)) {
                return sent; // its pipe is full: try again when it is writable
            }
            job.sends++;
            m.backlog.poll();
            job.queued = false;
            job.accepted.complete(null);
            sent++;
        }
        return sent;
    }

    /** The worker answered a ping (or challenged this client, which says as much): it is up, as this instance. */
    void pong(PoolMember m, String instance) {
        m.lastPong = clock.millis();
        boolean restarted = m.instance != null && !m.instance.equals(instance);
        boolean cameUp = !m.up;
        m.instance = instance;
        m.up = true;
        if (restarted) {
            m.draining = false;
            int n = reroute(m, true);
            LOG.info("client {}: worker at {} restarted; sending {} unfinished job(s) again", clientId, m.endpoint, n);
        } else if (cameUp) {
            LOG.debug("client {}: worker at {} is up", clientId, m.endpoint);
        }
        if (restarted || cameUp) {
            drainWaiting();
        }
    }

    /** The worker is stopping and did not run this job: it goes to another worker (or this one's next instance). */
    void handedBack(PoolMember m, String jobId) {
        PooledJob job = unsettled.get(jobId);
        if (job != null && job.member == m && !job.queued) {
            // only a job this client sent there says the worker is stopping: its id is in a frame the
            // worker never verified, so any other id says nothing
            m.draining = true;
            unassign(job);
            route(job);
        }
        LOG.debug("client {}: job {} handed back by the worker at {}", clientId, jobId, m.endpoint);
    }

    /**
     * Takes the worker out if it is up and has been silent past the timeout: every job assigned to it
     * goes to the others. Returns whether it did (its connection is then to be renewed).
     */
    boolean takeOutIfSilent(PoolMember m) {
        long now = clock.millis();
        if (!m.up || now - m.lastPong <= timeoutMillis) {
            return false;
        }
        m.up = false;
        m.draining = false;
        int n = reroute(m, false);
        LOG.warn("client {}: no answer from the worker at {} for {} ms; it is taken out, and its {} unfinished "
                + "job(s) go to {}", clientId, m.endpoint, now - m.lastPong, n,
                members.stream().anyMatch(PoolMember::eligible) ? "the other workers" : "the first worker up");
        return true;
    }

    /** Assigns a job to a worker that is up, or keeps it waiting for one. */
    private void route(PooledJob job) {
        PoolMember m = picker.pick(members);
        if (m == null) {
            job.member = null;
            waiting.add(job);
        } else {
            assign(job, m);
        }
    }

    private static void assign(PooledJob job, PoolMember m) {
        job.member = m;
        job.queued = true;
        m.pending++;
        m.backlog.add(job);
    }

    /** Takes a job off the worker it was assigned to; the caller routes it again or drops it. */
    private static void unassign(PooledJob job) {
        if (job.member != null) {
            job.member.pending--;
            job.member = null;
        }
        job.queued = false;
    }

    /** Routes again every job assigned to this worker (only those sent, or all), in submission order. */
    private int reroute(PoolMember from, boolean sentOnly) {
        List<PooledJob> moved = new ArrayList<>();
        for (PooledJob job : unsettled.values()) {
            if (job.member == from && (!sentOnly || !job.queued)) {
                moved.add(job);
            }
        }
        if (!sentOnly) {
            from.backlog.clear();
        }
        for (PooledJob job : moved) {
            unassign(job);
        }
        for (PooledJob job : moved) {
            route(job);
        }
        return moved.size();
    }

    private void drainWaiting() {
        while (!waiting.isEmpty()) {
            PooledJob job = waiting.peek();
            if (job.settled || job.member != null) {
                waiting.poll();
                continue;
            }
            PoolMember m = picker.pick(members);
            if (m == null) {
                return;
            }
            waiting.poll();
            assign(job, m);
        }
    }
}
