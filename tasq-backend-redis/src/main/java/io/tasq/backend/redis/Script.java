package io.tasq.backend.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script of this backend, run by its SHA-1 ({@code EVALSHA}) and loaded again when the
 * server has forgotten it (a restarted Redis has an empty script cache). The sources live next to
 * this class as {@code *.lua}. Immutable and thread-safe.
 */
final class Script {

    static final Script COMPLETE = load("complete");
    static final Script ACK = load("ack");
    static final Script REJECT = load("reject");
    static final Script REQUEUE = load("requeue");
    static final Script TOUCH = load("touch");
    static final Script CLAIM = load("claim");
    static final Script PROMOTE = load("promote");
    static final Script PRUNE = load("prune");
    static final Script SCHEDULE_ADD = load("schedule-add");
    static final Script SCHEDULE_REMOVE = load("schedule-remove");
    static final Script SCHEDULE_DUE = load("schedule-due");
    static final Script SCHEDULE_FIRE = load("schedule-fire");
    static final Script HEARTBEAT = load("heartbeat");
    static final Script STATS = load("stats");
    static final Script RETRY = load("retry");
    static final Script UNIQUE_ACQUIRE = load("unique-acquire");
    static final Script UNIQUE_FOLLOW = load("unique-follow");
    static final Script UNIQUE_RELEASE = load("unique-release");
    static final Script DEAD_RETRY = load("dead-retry");
    static final Script DEAD_PURGE = load("dead-purge");
    static final Script READ = load("read");
    static final Script REPLAY_CLAIM = load("replay-claim");
    static final Script RING = load("ring");
    static final Script RESULT_SWEEP = load("result-sweep");

    private static final List<Script> ALL = List.of(COMPLETE, ACK, REJECT, REQUEUE, TOUCH, CLAIM, PROMOTE, PRUNE,
            SCHEDULE_ADD, SCHEDULE_REMOVE, SCHEDULE_DUE, SCHEDULE_FIRE, HEARTBEAT, STATS, RETRY, UNIQUE_ACQUIRE,
            UNIQUE_FOLLOW, UNIQUE_RELEASE, DEAD_RETRY, DEAD_PURGE, READ, REPLAY_CLAIM, RING, RESULT_SWEEP);

    private final String name;
    private final byte[] source;
    private final byte[] sha;

    private Script(String name, byte[] source) {
        this.name = name;
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private static Script load(String name) {
        return new Script(name, source(name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The text of {@code name}.lua, with each line {@code --#include OTHER} replaced by the text of
     * OTHER.lua: scripts that share functions keep them in one file (Redis runs one chunk per script).
     */
    private static String source(String name) {
        String text;
        try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("the script " + name + ".lua is missing from tasq-backend-redis");
            }
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the script " + name + ".lua", e);
        }
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            out.append(line.startsWith(INCLUDE) ? source(line.substring(INCLUDE.length()).strip()) : line).append('\n');
        }
        return out.toString();
    }

    private static final String INCLUDE = "--#include ";

    /** Runs the script on {@code jedis}, loading it first if the server does not know it. */
    Object run(Jedis jedis, List<byte[]> keys, List<byte[]> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            jedis.scriptLoad(source);
            return jedis.evalsha(sha, keys, args);
        }
    }

    /** Queues the script on a pipeline; on {@link JedisNoScriptException}, {@link #loadAll} and queue it again. */
    Response<Object> queue(Pipeline pipeline, List<byte[]> keys, List<byte[]> args) {
        return pipeline.evalsha(sha, keys, args);
    }

    /** Loads every script of this backend, after the server said it forgot one. */
    static void loadAll(Jedis jedis) {
        for (Script s : ALL) {
            jedis.scriptLoad(s.source);
        }
    }

    @Override
    public String toString() {
        return name + ".lua";
    }
}
