package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import io.tasq.BackendUnavailableException;
import io.tasq.spi.Recurring;
import io.tasq.spi.ScheduleStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeating jobs kept by the broker, in the durable queue {@code tasq.NAME.schedules} with
 * {@code x-single-active-consumer}: every worker consumes it, the broker delivers to one at a time,
 * the <em>leader</em>. Each repeating job is one persistent message (its state: envelope, next run,
 * runs fired so far) that the leader holds unacknowledged; when the leader is lost, the broker
 * gives them all, unacknowledged, to the next consumer, which takes over.
 *
 * <p>Only the leader fires: it publishes the run into the job queue and the job's next state into
 * the schedules queue, waits for both confirms, then acknowledges the old state. A leader lost in
 * between leaves two states of a job; the next leader keeps the one with more runs. So each tick is
 * fired once while the leader lives, and at least once when it dies mid-fire.
 *
 * <p>Any worker registers a job by publishing its state; it cancels or lists by publishing a
 * request that the leader answers through direct reply-to (the {@link LeaderQueue} machinery).
 *
 * <p>Thread-safe: the held states are guarded by {@code lock} (taken before the queue's publish lock
 * where both are needed).
 */
final class RabbitMqScheduleStore implements ScheduleStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqScheduleStore.class);
    /** Header: what a message in the schedules queue is: a job's state, or a request. */
    static final String KIND = "x-tasq-schedule";
    private static final String REMOVE = "remove";
    private static final String LIST = "list";
    private static final String NAME = "x-tasq-name";
    private static final String CLIENT = "x-tasq-client";
    private static final String NEXT_RUN = "x-tasq-next-run";
    private static final String LAST_RUN = "x-tasq-last-run";
    /** How long a cancelled job's id is remembered, to drop a state of it still on its way. */
    private static final long FORGET_REMOVED_MILLIS = 600_000;

    private final Topology topology;
    private final String workerId;
    private final Object lock = new Object();
    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, Long> removed = new LinkedHashMap<>();
    private final LeaderQueue queue;

    /** A state the leader holds: {@code tag} is -1 while its newest state is still on its way back. */
    private record Held(Recurring job, long written, long tag) {
    }

    RabbitMqScheduleStore(Connection connection, Topology topology, String workerId) throws IOException {
        this.topology = topology;
        this.workerId = workerId;
        this.queue = new LeaderQueue(connection, topology.schedules(), "the repeating jobs", workerId,
                topology::declareSchedules);
        // a state that cannot be handled stays with the broker, for the next leader: it is a repeating job
        queue.consume(lock, KIND, false, new Leader());
        connection.addShutdownListener(cause -> {
            // the broker gives what this worker held to the next consumer
            synchronized (lock) {
                held.clear();
            }
        });
    }

    @Override
    public void add(Recurring job) {
        queue.publishAndConfirm(topology.schedules(), stateProperties(job, System.currentTimeMillis()), job.envelope());
    }

    @Override
    public boolean remove(String name) {
        byte[] answer = call(REMOVE, name);
        return answer.length == 1 && answer[0] == 1;
    }

    @Override
    public List<Recurring> due(long nowMillis, int max) {
        synchronized (lock) {
            return held.values().stream().map(Held::job).filter(j -> j.nextRunMillis() <= nowMillis)
                    .sorted(Comparator.comparingLong(Recurring::nextRunMillis)).limit(max).toList();
        }
    }

    @Override
    public boolean fire(Recurring job, long nextRunMillis) {
        synchronized (lock) {
            Held h = held.get(job.name());
            if (h == null || !sameState(h.job(), job)) {
                return false;
            }
            long run = job.lastRun() + 1;
            Recurring next = new Recurring(job.name(), job.jobId(), job.replyTo(), job.envelope(), nextRunMillis, run);
            long now = System.currentTimeMillis();
            synchronized (queue.publishLock()) {
                Map<String, Object> headers = new HashMap<>();
                headers.put(Topology.RUN, run);
                AMQP.BasicProperties runProps = new AMQP.BasicProperties.Builder().deliveryMode(2)
                        .messageId(job.jobId()).replyTo(topology.reply(job.replyTo())).headers(headers).build();
                queue.basicPublish(topology.jobs(), runProps, job.envelope());
                if (nextRunMillis != Long.MAX_VALUE) {
                    queue.basicPublish(topology.schedules(), stateProperties(next, now), job.envelope());
                }
                queue.waitForConfirms();
            }
            queue.ack(h.tag());
            if (nextRunMillis == Long.MAX_VALUE) {
                held.remove(job.name());
                remember(job.jobId(), now);
            } else {
                held.put(job.name(), new Held(next, now, -1));
            }
            return true;
        }
    }

    @Override
    public List<Recurring> list() {
        return decodeList(call(LIST, ""));
    }

    @Override
    public void close() {
        queue.close();
    }

    private static boolean sameState(Recurring a, Recurring b) {
        return a.name().equals(b.name()) && a.jobId().equals(b.jobId()) && a.nextRunMillis() == b.nextRunMillis()
                && a.lastRun() == b.lastRun();
    }

    /** Sends a request to the leader and waits for its answer. */
    private byte[] call(String kind, String name) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(KIND, kind);
        headers.put(NAME, name);
        return queue.call(kind, headers, new byte[0]);
    }

    private static AMQP.BasicProperties stateProperties(Recurring job, long written) {
        Map<String, Object> h = new HashMap<>();
        h.put(KIND, LeaderQueue.STATE);
        h.put(NAME, job.name());
        h.put(CLIENT, job.replyTo());
        h.put(NEXT_RUN, job.nextRunMillis());
        h.put(LAST_RUN, job.lastRun());
        h.put(LeaderQueue.WRITTEN, written);
        return new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(job.jobId()).headers(h).build();
    }

    /** Remembers a removed job's id for a while; called with {@code lock} held. */
    private void remember(String jobId, long now) {
        removed.values().removeIf(at -> now - at > FORGET_REMOVED_MILLIS);
        removed.put(jobId, now);
    }

    private static byte[] encodeList(List<Recurring> jobs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(jobs.size());
            for (Recurring r : jobs) {
                out.writeUTF(r.name());
                out.writeUTF(r.jobId());
                out.writeUTF(r.replyTo());
                out.writeLong(r.nextRunMillis());
                out.writeLong(r.lastRun());
                out.writeInt(r.envelope().length);
                out.write(r.envelope());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<Recurring> decodeList(byte[] body) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            int n = in.readInt();
            List<Recurring> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                String jobId = in.readUTF();
                String replyTo = in.readUTF();
                long next = in.readLong();
                long last = in.readLong();
                byte[] envelope = new byte[in.readInt()];
                in.readFully(envelope);
                out.add(new Recurring(name, jobId, replyTo, envelope, next, last));
            }
            return out;
        } catch (IOException e) {
            throw new BackendUnavailableException("the leader's list of repeating jobs could not be read: " + e, e);
        }
    }

    /** Receives the schedules queue while this worker is the broker's single active consumer. */
    private final class Leader implements LeaderQueue.Handler {

        @Override
        public boolean handle(String kind, Map<String, Object> h, AMQP.BasicProperties p, byte[] body, long tag) {
            if (LeaderQueue.STATE.equals(kind)) {
                keep(p, h, body, tag);
                return false;
            }
            if (REMOVE.equals(kind)) {
                Held gone = held.remove(String.valueOf(Messages.header(h, NAME)));
                if (gone != null) {
                    queue.ack(gone.tag());
                    remember(gone.job().jobId(), System.currentTimeMillis());
                    LOG.debug("worker {}: removed repeating job {}", workerId, gone.job().name());
                }
                queue.answer(p, new byte[] {(byte) (gone != null ? 1 : 0)});
            } else if (LIST.equals(kind)) {
                queue.answer(p, encodeList(held.values().stream().map(Held::job)
                        .sorted(Comparator.comparingLong(Recurring::nextRunMillis)).toList()));
            } else {
                LOG.warn("worker {}: dropping a message of unknown kind '{}' from {}", workerId, kind,
                        topology.schedules());
            }
            return true;
        }

        /** Keeps the newer of a job's state and the one held; acknowledges the other. */
        private void keep(AMQP.BasicProperties p, Map<String, Object> h, byte[] body, long tag) {
            String name = Messages.header(h, NAME);
            String client = Messages.header(h, CLIENT);
            // anyone who can publish to the broker can publish a state: a client id too long for a reply queue's name
            // would make the run's publish fail in the client library, after it numbered it for confirms
            if (name == null || client == null || p.getMessageId() == null
                    || !Topology.routable(topology.reply(client))) {
                LOG.warn("worker {}: dropping a malformed schedule state from {}", workerId, topology.schedules());
                queue.ack(tag);
                return;
            }
            Recurring job = new Recurring(name, p.getMessageId(), client, body, Messages.number(h, NEXT_RUN),
                    Messages.number(h, LAST_RUN));
            long written = Messages.number(h, LeaderQueue.WRITTEN);
            if (removed.containsKey(job.jobId())) {
                queue.ack(tag);
                return;
            }
            Held old = held.get(name);
            boolean newer = old == null || (old.job().jobId().equals(job.jobId())
                    ? job.lastRun() >= old.job().lastRun()
                    : written >= old.written());
            if (newer) {
                if (old != null && old.tag() != tag) {
                    queue.ack(old.tag());
                }
                held.put(name, new Held(job, written, tag));
            } else {
                queue.ack(tag);
            }
        }
    }
}
