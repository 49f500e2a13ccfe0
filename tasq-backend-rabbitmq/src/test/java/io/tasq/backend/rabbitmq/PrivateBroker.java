package io.tasq.backend.rabbitmq;

import static org.awaitility.Awaitility.await;

import io.tasq.core.testkit.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of the test's own, on free loopback ports, with its data in a temporary
 * directory, for tests that stop or restart the broker without touching the shared one. Needs the
 * RabbitMQ server installed (Debian: {@code apt-get install rabbitmq-server}). Each start takes
 * several seconds.
 */
final class PrivateBroker implements AutoCloseable {

    private final Path dir;
    private final String node;
    private final int port;
    private final int distPort;
    private final Path serverScript;
    private final Path ctlScript;

    private PrivateBroker(Path dir, Path bin) throws IOException {
        this.dir = dir;
        this.node = "tasq-test-" + HexFormat.of().formatHex(random(4)) + "@localhost";
        this.port = Ports.free();
        this.distPort = Ports.free();
        this.serverScript = bin.resolve("rabbitmq-server");
        this.ctlScript = bin.resolve("rabbitmqctl");
        Files.createDirectories(dir.resolve("home"));
        Path cookie = dir.resolve("home/.erlang.cookie");
        Files.writeString(cookie, HexFormat.of().formatHex(random(20)));
        cookie.toFile().setReadable(false, false);
        cookie.toFile().setReadable(true, true);
        cookie.toFile().setWritable(false, false);
        Files.writeString(dir.resolve("rabbitmq.conf"), "log.console = false\nlog.file.level = warning\n");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    }

    /** Starts a node and waits until it takes connections. */
    static PrivateBroker start() throws Exception {
        PrivateBroker b = new PrivateBroker(Files.createTempDirectory("tasq-rabbitmq-"), binaries());
        b.startNode();
        return b;
    }

    /** The Debian package keeps the real scripts here; elsewhere they are on the PATH. */
    private static Path binaries() {
        Path debian = Path.of("/usr/lib/rabbitmq/bin");
        if (Files.isExecutable(debian.resolve("rabbitmq-server"))) {
            return debian;
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "rabbitmq-server"))) {
                return Path.of(p);
            }
        }
        throw new IllegalStateException("this test starts a RabbitMQ node of its own and needs the RabbitMQ server "
                + "installed (rabbitmq-server and rabbitmqctl; Debian: apt-get install rabbitmq-server)");
    }

    String url() {
        return "amqp://guest:guest@127.0.0.1:" + port + "/%2f";
    }

    /** Closes every client connection from the broker's side: {@code rabbitmqctl close_all_connections}. */
    void closeAllConnections() throws Exception {
        ctl("close_all_connections", "tasq test: forced close");
    }

    /** Stops the node (every connection drops) and starts it again on the same port and data. */
    void restart() throws Exception {
        stopNode();
        startNode();
    }

    private void startNode() throws Exception {
        List<String> cmd = List.of(serverScript.toString(), "-detached");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("start.out").toFile());
        environment(pb.environment());
        pb.environment().put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        pb.environment().put("RABBITMQ_NODE_PORT", Integer.toString(port));
        pb.environment().put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        pb.environment().put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        pb.environment().put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        pb.environment().put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        pb.environment().put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        pb.environment().put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmq-server did not start: " + Files.readString(dir.resolve("start.out")));
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(this::listening);
        ctl("await_startup");
    }

    private void stopNode() throws Exception {
        ctl("stop");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> !listening());
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void environment(Map<String, String> env) {
        env.put("HOME", dir.resolve("home").toString()); // the Erlang cookie of this node
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    }

    private String ctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ctlScript.toString(), "-n", node));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        environment(pb.environment());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Override
    public void close() throws IOException {
        try {
            if (listening()) {
                stopNode();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IOException("could not stop the RabbitMQ node " + node, e);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
