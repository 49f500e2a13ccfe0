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
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A private {@code redis-server} for tests that kill or restart the server (never the shared one):
 * on a free port, with its data in a directory of its own and the append-only file on, so that a
 * restart keeps the data as a production Redis would.
 */
final class RedisServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final List<String> extra;
    private Process process;

    private RedisServer(Path dir, int port, List<String> extra) {
        this.dir = dir;
        this.port = port;
        this.extra = extra;
    }

    /** Starts a server in {@code dir} with extra {@code redis-server} arguments; waits until it answers. */
    static RedisServer start(Path dir, String... extra) {
        RedisServer s = new RedisServer(dir, Ports.free(), List.of(extra));
        s.start();
        return s;
    }

    int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT?name=queue}. */
    String url(String queue) {
        return "redis://127.0.0.1:" + port + "?name=" + queue;
    }

    /** (Re)starts the server on the same port and data directory; waits until it has loaded its data. */
    void start() {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", dir.toString(), "--daemonize", "no"));
        cmd.addAll(extra);
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it installed? .ci/run installs it): " + e, e);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(RuntimeException.class).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", port))) {
                return j.ping().equals("PONG");
            }
        });
    }

    /** SIGSTOP: the server stays up but answers nothing, as one stalled in a long command or a swap storm. */
    void freeze() {
        signal("-STOP");
    }

    /** SIGCONT: a frozen server goes on where it stopped. */
    void thaw() {
        signal("-CONT");
    }

    private void signal(String which) {
        try {
            Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + which + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown, no goodbye; waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }
}
