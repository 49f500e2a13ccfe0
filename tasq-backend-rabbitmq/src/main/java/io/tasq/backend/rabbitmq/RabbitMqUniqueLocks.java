package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import io.tasq.BackendUnavailableException;
import io.tasq.spi.UniqueLocks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unique-job locks kept by the broker, in the durable queue {@code tasq.NAME.locks} with
 * {@code x-single-active-consumer} (see {@link LeaderQueue}): so a key is held once across every
 * client and worker of the queue. The leader holds each lock as one persistent message (key,
 * holder, expiry, the jobs following it) unacknowledged; a worker acquires, follows or releases by
 * publishing a request that the leader answers through direct reply-to, after it published the
 * lock's new state and the broker confirmed it, and then acknowledged the old state. When the
 * leader is lost, the broker gives the states to the next worker, which goes on with them.
 *
 * <p>A lock expires {@code ttl} after it was taken: the leader drops it then, and lets another job
 * take the key. A leader lost between publishing a state and acknowledging the old one leaves two;
 * the next keeps the newer.
 *
 * <p>Thread-safe: the held locks are guarded by {@code lock}; the leader's consumer runs on one
 * thread at a time.
 */
final class RabbitMqUniqueLocks implements UniqueLocks, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqUniqueLocks.class);
    /** Header: what a message in the locks queue is: a lock's state, or a request. */
    static final String KIND = "x-tasq-lock";
    private static final String ACQUIRE = "acquire";
    private static final String FOLLOW = "follow";
    private static final String RELEASE = "release";
    private static final String KEY = "x-tasq-key";
    private static final String JOB = "x-tasq-job";
    private static final String TTL = "x-tasq-ttl";
    private static final String EXPIRES = "x-tasq-expires";
    private static final String VERSION = "x-tasq-version";
    /**
     * The longest a lock is held (a year): the time to live of a request, and the expiry of a state,
     * come from messages anyone who can publish to the broker could have written.
     */
    static final long MAX_TTL_MILLIS = 365L * 24 * 3600 * 1000;
    /** How often, at most, the leader looks for expired locks. */
    private static final long SWEEP_MILLIS = 1_000;

    private final String workerId;
    private final Object lock = new Object();
    private final Map<String, Held> held = new HashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final LeaderQueue queue;
    /** Names this leader's states; a new one after every lost connection, whose states came back to the queue. */
    private volatile String session = UUID.randomUUID().toString();
    private long sweptAt;

    /** A lock the leader holds: {@code tag} is -1 while its state is still on its way back. */
    private record Held(String holder, long expiresAt, List<Follower> followers, String version, long written,
            long tag) {

        Held tagged(long newTag) {
            return new Held(holder, expiresAt, followers, version, written, newTag);
        }
    }

    RabbitMqUniqueLocks(Connection connection, Topology topology, String workerId) throws IOException {
        this.workerId = workerId;
        this.queue = new LeaderQueue(connection, topology.locks(), "the unique-job locks", workerId,
                topology::declareLocks);
        connection.addShutdownListener(cause -> {
            // the broker gives what this worker held to the next consumer, this one maybe
            synchronized (lock) {
                held.clear();
                session = UUID.randomUUID().toString();
            }
        });
        // a request that fails is dropped: its sender gives up waiting
        queue.consume(lock, KIND, true, new Leader());
    }

    @Override
    public Optional<String> acquire(String key, String jobId, long ttlMillis) {
        Map<String, Object> h = request(ACQUIRE, key, jobId);
        h.put(TTL, ttlMillis);
        byte[] answer = queue.call(ACQUIRE, h, new byte[0]);
        return answer.length == 0 ? Optional.empty() : Optional.of(new String(answer, StandardCharsets.UTF_8));
    }

    @Override
    public boolean follow(String key, String holderJobId, Follower follower) {
        byte[] answer = queue.call(FOLLOW, request(FOLLOW, key, holderJobId), encode(List.of(follower)));
        return answer.length == 1 && answer[0] == 1;
    }

    @Override
    public List<Follower> release(String key, String jobId) {
        return decode(queue.call(RELEASE, request(RELEASE, key, jobId), new byte[0]));
    }

    @Override
    public void close() {
        queue.close();
    }

    private static Map<String, Object> request(String kind, String key, String jobId) {
        Map<String, Object> h = new HashMap<>();
        h.put(KIND, kind);
        h.put(KEY, key);
        h.put(JOB, jobId);
        return h;
    }

    private static byte[] encode(List<Follower> followers) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(followers.size());
            for (Follower f : followers) {
                out.writeUTF(f.jobId());
                out.writeUTF(f.name() == null ? "" : f.name());
                out.writeUTF(f.replyTo());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<Follower> decode(byte[] body) {
        if (body.length == 0) {
            return List.of();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            int n = in.readInt();
            List<Follower> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new Follower(in.readUTF(), in.readUTF(), in.readUTF()));
            }
            return out;
        } catch (IOException e) {
            throw new BackendUnavailableException("a unique-job lock's followers could not be read: " + e, e);
        }
    }

    /** Receives the locks queue while this worker is the broker's single active consumer. */
    private final class Leader implements LeaderQueue.Handler {

        @Override
        public boolean handle(String kind, Map<String, Object> h, AMQP.BasicProperties p, byte[] body, long tag) {
            String key = Messages.header(h, KEY);
            long now = System.currentTimeMillis();
            sweep(now);
            if (key == null) {
                LOG.warn("worker {}: dropping a malformed message from {}", workerId, queue.queue());
            } else if (LeaderQueue.STATE.equals(kind)) {
                keep(key, h, body, tag, now);
                return false; // held, not acknowledged
            } else if (ACQUIRE.equals(kind)) {
                queue.answer(p, acquire(key, Messages.header(h, JOB), Messages.number(h, TTL), now));
            } else if (FOLLOW.equals(kind)) {
                queue.answer(p, new byte[] {(byte) (follow(key, Messages.header(h, JOB), decode(body), now) ? 1 : 0)});
            } else if (RELEASE.equals(kind)) {
                queue.answer(p, encode(release(key, Messages.header(h, JOB))));
            } else {
                LOG.warn("worker {}: dropping a message of unknown kind '{}' from {}", workerId, kind, queue.queue());
            }
            return true;
        }

        private byte[] acquire(String key, String jobId, long ttl, long now) {
            Held cur = held.get(key);
            if (cur != null && cur.expiresAt() > now && !cur.holder().equals(jobId)) {
                return cur.holder().getBytes(StandardCharsets.UTF_8);
            }
            List<Follower> followers = cur != null && cur.holder().equals(jobId) ? cur.followers() : List.of();
            write(key, cur, jobId, now + Math.max(1, Math.min(MAX_TTL_MILLIS, ttl)), followers, now);
            return new byte[0];
        }

        private boolean follow(String key, String holder, List<Follower> follower, long now) {
            Held cur = held.get(key);
            if (cur == null || !cur.holder().equals(holder) || cur.expiresAt() <= now) {
                return false;
            }
            List<Follower> followers = new ArrayList<>(cur.followers());
            followers.addAll(follower);
            write(key, cur, holder, cur.expiresAt(), followers, now);
            return true;
        }

        private List<Follower> release(String key, String jobId) {
            Held cur = held.get(key);
            if (cur == null || !cur.holder().equals(jobId)) {
                return List.of();
            }
            held.remove(key);
            queue.ack(cur.tag()); // one still on its way back is acknowledged when it arrives
            return cur.followers();
        }

        /** Publishes a lock's new state, waits for the broker to confirm it, then drops the old one. */
        private void write(String key, Held old, String holder, long expiresAt, List<Follower> followers, long now) {
            String version = session + ":" + versions.incrementAndGet();
            Map<String, Object> h = new HashMap<>();
            h.put(KIND, LeaderQueue.STATE);
            h.put(KEY, key);
            h.put(JOB, holder);
            h.put(EXPIRES, expiresAt);
            h.put(VERSION, version);
            h.put(LeaderQueue.WRITTEN, now);
            // past its expiry the broker drops it too, should it wait in the queue with no leader
            // bounded: RabbitMQ refuses a larger expiration by closing the channel, and with it this leader's publishing
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2).headers(h)
                    .expiration(Long.toString(Math.max(1, Math.min(DelayQueues.MAX_DELAY_HOP_MILLIS, expiresAt - now))))
                    .build();
            queue.publishAndConfirm(queue.queue(), props, encode(followers));
            held.put(key, new Held(holder, expiresAt, List.copyOf(followers), version, now, -1));
            if (old != null) {
                queue.ack(old.tag());
            }
        }

        /** A lock's state came (back) to the leader: keeps it if it is the newest, else drops it. */
        private void keep(String key, Map<String, Object> h, byte[] body, long tag, long now) {
            String version = String.valueOf(Messages.header(h, VERSION));
            Held cur = held.get(key);
            if (version.startsWith(session + ":")) {
                // one of this leader's own: the newest, or replaced (or released) while on its way
                if (cur != null && cur.version().equals(version)) {
                    held.put(key, cur.tagged(tag));
                } else {
                    queue.ack(tag);
                }
                return;
            }
            long expiresAt = Math.min(now + MAX_TTL_MILLIS, Messages.number(h, EXPIRES));
            long written = Messages.number(h, LeaderQueue.WRITTEN);
            String holder = Messages.header(h, JOB);
            if (holder == null || expiresAt <= now || (cur != null && cur.written() > written)) {
                queue.ack(tag);
                return;
            }
            // a state a previous leader held, newer than what this one holds
            if (cur != null) {
                queue.ack(cur.tag());
            }
            held.put(key, new Held(holder, expiresAt, decode(body), version, written, tag));
        }

        /** Drops the locks past their time. */
        private void sweep(long now) {
            if (now - sweptAt < SWEEP_MILLIS) {
                return;
            }
            sweptAt = now;
            for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
                Held l = it.next();
                if (l.expiresAt() <= now) {
                    LOG.debug("worker {}: unique lock of job {} expired", workerId, l.holder());
                    queue.ack(l.tag());
                    it.remove();
                }
            }
        }
    }
}
