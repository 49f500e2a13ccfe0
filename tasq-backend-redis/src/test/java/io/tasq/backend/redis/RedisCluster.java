package io.tasq.backend.redis;

import static org.awaitility.Awaitility.await;

import io.tasq.core.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A private Redis Cluster for tests: six {@code redis-server} processes (three masters, three
 * replicas) on free loopback ports, with their data in a directory of their own and no persistence,
 * joined with {@code redis-cli --cluster create}. A short {@code cluster-node-timeout} (2 s) makes a
 * killed master's replica take over within seconds. {@link #close()} kills every process.
 */
final class RedisCluster implements AutoCloseable {

    private static final int NODES = 6;

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final Map<Integer, Process> processes = new ConcurrentHashMap<>();

    private RedisCluster(Path dir) {
        this.dir = dir;
        // should the test JVM end before close(), the servers must not outlive it
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "redis-cluster-cleanup"));
    }

    /** Starts six nodes in {@code dir}, makes them one cluster and waits until every node says it is ok. */
    static RedisCluster start(Path dir) {
        RedisCluster c = new RedisCluster(dir);
        try {
            c.startNodes();
            c.create();
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void startNodes() {
        for (int i = 0; i < NODES; i++) {
            int port = Ports.free();
            int bus = Ports.free();
            ports.add(port);
            Path d = dir.resolve("node-" + port);
            List<String> cmd = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-port", Integer.toString(bus), "--cluster-config-file",
                    d.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout", "2000", "--dir",
                    d.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no");
            try {
                Files.createDirectories(d);
                processes.put(port, new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(d.resolve("redis.log").toFile()).start());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start redis-server (is it installed? .ci/run installs it): " + e,
                        e);
            }
        }
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(RuntimeException.class).until(() -> {
                if (!processes.get(port).isAlive()) {
                    throw new AssertionError("redis-server on " + port + " exited: "
                            + Files.readString(dir.resolve("node-" + port).resolve("redis.log")));
                }
                try (Jedis j = jedis(port)) {
                    return j.ping().equals("PONG");
                }
            });
        }
    }

    private void create() {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> cmd.add("127.0.0.1:" + p));
        cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = dir.resolve("create.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("redis-cli --cluster create failed: " + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run redis-cli: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> ports.stream()
                .allMatch(this::clusterOk));
    }

    private boolean clusterOk(int port) {
        try (Jedis j = jedis(port)) {
            String info = j.clusterInfo();
            // and every node knows every replica, so that each master can fail over at once
            long replicas = j.clusterNodes().lines().filter(l -> l.split(" ")[2].contains("slave")).count();
            return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
                    && replicas == NODES / 2;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code redis-cluster://} naming the first three nodes (the rest are learnt from them) for {@code queue}. */
    String url(String queue) {
        return "redis-cluster://" + ports.subList(0, 3).stream().map(p -> "127.0.0.1:" + p)
                .collect(Collectors.joining(",")) + "?name=" + queue;
    }

    /** The queue's hash slot. */
    static int slotOf(String queue) {
        return JedisClusterCRC16.getSlot("{" + queue + "}");
    }

    /** The ports of the nodes alive now. */
    List<Integer> ports() {
        return ports.stream().filter(p -> processes.get(p).isAlive()).toList();
    }

    /** The port of the master serving {@code queue}'s slot, as a live node sees it now. */
    int masterOf(String queue) {
        int port = masterOrNone(queue);
        if (port < 0) {
            throw new AssertionError("no live node knows the master of slot " + slotOf(queue));
        }
        return port;
    }

    /** {@link #masterOf}, or -1 while no live node knows one (during a failover). */
    int masterOrNone(String queue) {
        int slot = JedisClusterCRC16.getSlot("{" + queue + "}");
        for (int port : ports()) {
            try (Jedis j = jedis(port)) {
                for (String line : j.clusterNodes().split("\n")) {
                    String[] f = line.split(" ");
                    if (f[2].contains("master") && !f[2].contains("fail") && serves(f, slot)) {
                        return HostAndPort.from(f[1].split("@")[0]).getPort();
                    }
                }
            } catch (RuntimeException e) {
                // ask the next one
            }
        }
        return -1;
    }

    /** The port of a replica of the master on {@code masterPort}. */
    int replicaOf(int masterPort) {
        try (Jedis j = jedis(masterPort)) {
            String id = j.clusterMyId();
            for (String line : j.clusterNodes().split("\n")) {
                String[] f = line.split(" ");
                if (f[3].equals(id) && !f[2].contains("fail")) {
                    return HostAndPort.from(f[1].split("@")[0]).getPort();
                }
            }
        }
        throw new AssertionError("the master on " + masterPort + " has no live replica");
    }

    private static boolean serves(String[] node, int slot) {
        for (int i = 8; i < node.length; i++) {
            if (node[i].startsWith("[")) {
                continue; // a slot being migrated
            }
            String[] range = node[i].split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            if (from <= slot && slot <= to) {
                return true;
            }
        }
        return false;
    }

    /** A queue name whose slot the master on {@code masterPort} serves. */
    String queueOn(int masterPort) {
        for (int i = 0; i < 10_000; i++) {
            String q = "cq-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
            if (masterOf(q) == masterPort) {
                return q;
            }
        }
        throw new AssertionError("no queue name found for the master on " + masterPort);
    }

    /** The ports of the masters now. */
    List<Integer> masters() {
        return ports().stream().filter(p -> {
            try (Jedis j = jedis(p)) {
                return j.info("replication").contains("role:master");
            }
        }).toList();
    }

    /**
     * {@code CLUSTER FAILOVER} on a replica of the master of {@code queue}: the replica waits until it
     * has everything the master has, then takes over; returns the new master's port once every live
     * node sees it.
     */
    int failover(String queue) {
        int master = masterOf(queue);
        int replica = replicaOf(master);
        try (Jedis j = jedis(replica)) {
            j.clusterFailover();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> masterOrNone(queue) == replica);
        return replica;
    }

    /** SIGKILL the node on {@code port}; waits until it is gone. */
    void kill(int port) {
        Process p = processes.get(port);
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A plain connection to the node on {@code port}. */
    static Jedis jedis(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port));
    }

    @Override
    public void close() {
        processes.keySet().forEach(this::kill);
    }
}
