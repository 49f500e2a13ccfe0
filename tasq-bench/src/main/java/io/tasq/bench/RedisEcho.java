package io.tasq.bench;

import io.tasq.spi.BackendUri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;

/**
 * Redis's own limit for a reliable queue, through Jedis: clients LPUSH onto a list; echo threads
 * take each message with BLMOVE into a processing list, LPUSH it onto the sender's reply list and
 * LREM it from the processing list (the ack); each client BRPOPs its reply list.
 */
final class RedisEcho implements BenchTarget {

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final int database;
    private final String prefix = "tasq-bench-raw:" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
    private final byte[] jobs = key("jobs");
    private final byte[] processing = key("processing");
    private final EchoLoops loops = new EchoLoops();
    private final List<Jedis> connections = new ArrayList<>();

    RedisEcho(String url, int echoThreads) {
        BackendUri uri = BackendUri.parse(url);
        BackendUri.HostPort hp = uri.host("localhost", 6379);
        this.host = hp.host();
        this.port = hp.port();
        this.user = uri.user().filter(u -> !u.isEmpty()).orElse(null);
        this.password = uri.password().orElse(null);
        this.database = uri.path().isEmpty() ? 0 : Integer.parseInt(uri.path());
        for (int i = 0; i < echoThreads; i++) {
            Jedis j = connect();
            loops.start("tasq-bench-redis-echo-" + i, () -> {
                byte[] m = j.blmove(jobs, processing, ListDirection.RIGHT, ListDirection.LEFT, 0.2);
                if (m != null) {
                    j.lpush(replies(EchoFrames.clientOf(m)), m);
                    j.lrem(processing, 1, m);
                }
            });
        }
    }

    private byte[] key(String name) {
        return (prefix + name).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] replies(int client) {
        return key("replies:" + client);
    }

    private synchronized Jedis connect() {
        Jedis j = new Jedis(host, port);
        if (password != null) {
            if (user != null) {
                j.auth(user, password);
            } else {
                j.auth(password);
            }
        }
        if (database != 0) {
            j.select(database);
        }
        connections.add(j);
        return j;
    }

    @Override
    public Lane open(int client, Answers answers) {
        Jedis sender = connect();
        Jedis receiver = connect();
        byte[] replies = replies(client);
        loops.start("tasq-bench-redis-client-" + client, () -> {
            List<byte[]> kv = receiver.brpop(1, replies);
            if (kv != null && kv.size() == 2) {
                answers.answered(EchoFrames.startOf(kv.get(1)), true);
            }
        });
        return (payload, start) -> sender.lpush(jobs, EchoFrames.frame(client, start, payload));
    }

    @Override
    public void close() {
        loops.stop(3000);
        try (Jedis j = connect()) {
            for (byte[] k : j.keys(key("*"))) {
                j.del(k);
            }
        }
        connections.forEach(Jedis::close);
    }
}
