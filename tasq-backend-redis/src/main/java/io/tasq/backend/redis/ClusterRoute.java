package io.tasq.backend.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Finds the master of a Redis Cluster that serves one queue. Every key of a queue carries the queue
 * name as its hash tag, so the whole queue lives in one slot, and one master holds all of it: the
 * backend talks to that node alone, with its usual connections, and asks again here when that node
 * fails or answers {@code MOVED} (a failover, or the slot was moved). The slot map comes from
 * {@code CLUSTER SLOTS}, asked of the nodes of the URL, then every node of the last map, then the
 * last master, whichever answers first. Thread-safe.
 */
final class ClusterRoute {

    private final List<HostAndPort> seeds;
    private final JedisClientConfig config;
    private final int slot;
    private volatile List<HostAndPort> known = List.of();

    ClusterRoute(List<HostAndPort> seeds, JedisClientConfig config, String queue) {
        this.seeds = List.copyOf(seeds);
        this.config = config;
        // the slot of every key tasq:{QUEUE}:..., which is the slot of the tag alone
        this.slot = JedisClusterCRC16.getSlot("{" + queue + "}");
    }

    /** The queue's hash slot. */
    int slot() {
        return slot;
    }

    /**
     * The master that serves the queue's slot now.
     *
     * @param last the master found the last time, asked last, or null
     * @throws JedisConnectionException naming every node tried if none answered
     * @throws JedisClusterException if the answer shows no master for the slot (the cluster is not
     *     ready: a transient error)
     * @throws JedisDataException if a node refused {@code CLUSTER SLOTS}, for example because it is not
     *     in cluster mode; the message names the node
     */
    HostAndPort master(HostAndPort last) {
        // the last master comes last: after a failover it is often the one node that is gone, and a host
        // that is gone can take the whole connect timeout to say so
        Set<HostAndPort> candidates = new LinkedHashSet<>(seeds);
        candidates.addAll(known);
        if (last != null) {
            candidates.remove(last);
            candidates.add(last);
        }
        List<String> failures = new ArrayList<>();
        for (HostAndPort node : candidates) {
            List<?> slots;
            try (Jedis j = new Jedis(node, config)) {
                // the raw command: Jedis deprecates clusterSlots() for CLUSTER SHARDS, which Redis 6.2 lacks
                slots = (List<?>) j.sendCommand(Protocol.Command.CLUSTER, Keys.bytes("SLOTS"));
            } catch (JedisDataException e) {
                if (String.valueOf(e.getMessage()).contains("cluster support disabled")) {
                    throw new JedisDataException("ERR " + node + " is not in cluster mode ("
                            + e.getMessage() + ")", e);
                }
                if (e.getMessage() != null && (e.getMessage().startsWith("WRONGPASS")
                        || e.getMessage().startsWith("NOAUTH") || e.getMessage().startsWith("NOPERM"))) {
                    throw e;
                }
                failures.add(node + ": " + RedisErrors.message(e));
                continue;
            } catch (JedisException e) {
                failures.add(node + ": " + RedisErrors.message(e));
                continue;
            }
            return pick(node, slots);
        }
        throw new JedisConnectionException("no node of the Redis Cluster answered (" + String.join("; ", failures)
                + ")");
    }

    /** The master of {@link #slot} in a {@code CLUSTER SLOTS} answer from {@code asked}; remembers every node. */
    private HostAndPort pick(HostAndPort asked, List<?> slots) {
        List<HostAndPort> nodes = new ArrayList<>();
        HostAndPort master = null;
        for (Object o : slots) {
            List<?> range = (List<?>) o;
            long from = (Long) range.get(0);
            long to = (Long) range.get(1);
            for (int i = 2; i < range.size(); i++) {
                HostAndPort n = node(asked, (List<?>) range.get(i));
                nodes.add(n);
                if (i == 2 && from <= slot && slot <= to) {
                    master = n;
                }
            }
        }
        known = List.copyOf(new LinkedHashSet<>(nodes));
        if (master == null) {
            throw new JedisClusterException("CLUSTERDOWN no master serves the slot " + slot + " of the queue (asked "
                    + asked + "); is the cluster being set up or failing over?");
        }
        return master;
    }

    /** A node of a {@code CLUSTER SLOTS} entry; an empty or {@code ?} address is the node that answered. */
    private static HostAndPort node(HostAndPort asked, List<?> entry) {
        Object ip = entry.get(0);
        String host = ip instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(ip);
        int port = ((Long) entry.get(1)).intValue();
        return new HostAndPort(host.isEmpty() || host.equals("?") ? asked.getHost() : host, port);
    }
}
