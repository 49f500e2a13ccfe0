package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.tasq.spi.BackendUri;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The RabbitMQ the tests use: {@code TASQ_TEST_AMQP_URL}, else the local broker on 127.0.0.1:5672.
 * If that cannot be reached and a Docker engine can, a RabbitMQ container (once per JVM); else
 * every test fails, saying how to start a broker. Tests never skip.
 */
final class TestBroker {

    static final String ENV = "TASQ_TEST_AMQP_URL";
    static final String LOCAL = "amqp://guest:guest@127.0.0.1:5672/%2f";
    /** Test queues and reply queues disappear by themselves this long after their last use. */
    static final String EXPIRY = "queue-expires=10m&result-ttl=10m";

    private static String base;
    private static RabbitMQContainer container;

    private TestBroker() {
    }

    /** The broker's URL, without a query. */
    static synchronized String url() {
        if (base == null) {
            base = locate();
        }
        return base;
    }

    /** A URL for a queue no other test uses, with {@code extra} parameters ({@code k=v&k=v}) if any. */
    static String queueUrl(String extra) {
        return url() + "?name=" + uniqueName() + "&" + EXPIRY + (extra.isEmpty() ? "" : "&" + extra);
    }

    static String queueUrl() {
        return queueUrl("");
    }

    static String uniqueName() {
        return "t-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** The queue name in a URL made by {@link #queueUrl}. */
    static String nameOf(String url) {
        return BackendUri.parse(url).param("name").orElseThrow();
    }

    private static String locate() {
        String configured = System.getenv(ENV);
        String url = configured == null || configured.isBlank() ? LOCAL : configured.strip();
        BackendUri uri = BackendUri.parse(url);
        BackendUri.HostPort hp = uri.host("localhost", uri.scheme().equals("amqps") ? 5671 : 5672);
        String problem = probe(hp);
        if (problem == null) {
            return url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        }
        if (dockerAvailable()) {
            container = new RabbitMQContainer(DockerImageName.parse("rabbitmq:3.10"));
            container.start();
            return "amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword() + "@"
                    + container.getHost() + ":" + container.getAmqpPort() + "/%2f";
        }
        throw new IllegalStateException("the RabbitMQ tests need a broker: none at " + uri + " (" + problem + ") "
                + "and no Docker engine for Testcontainers. Start one with 'rabbitmq-server -detached' (Debian: "
                + "apt-get install rabbitmq-server), or 'docker run -d -p 5672:5672 rabbitmq:3.10', or point "
                + ENV + " at one, e.g. " + ENV + "=amqp://user:pass@host:5672/%2f");
    }

    private static String probe(BackendUri.HostPort hp) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp.host(), hp.port()), 2_000);
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Cheap first: no socket and no DOCKER_HOST means no engine, without asking Testcontainers. */
    private static boolean dockerAvailable() {
        String host = System.getenv("DOCKER_HOST");
        if ((host == null || host.isBlank()) && !Files.exists(Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A plain connection for looking at queues and publishing by hand. */
    static Connection admin() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(url());
        return f.newConnection("tasq test admin");
    }

    /** Deletes the queues of {@code name} (its reply queues expire by themselves). */
    static void deleteQueues(String name) {
        try (Connection c = admin(); Channel ch = c.createChannel()) {
            ch.queueDelete("tasq." + name + ".jobs");
            ch.queueDelete("tasq." + name + ".dead");
            ch.queueDelete("tasq." + name + ".dead.dropped");
            ch.queueDelete("tasq." + name + ".schedules");
            ch.queueDelete("tasq." + name + ".locks");
        } catch (Exception e) {
            // they expire anyway
        }
    }

    /**
     * Closes, from the broker's side, every connection whose client-given name starts with {@code part}, as
     * {@code rabbitmqctl close_connection} does; other connections on the broker are untouched.
     *
     * @return how many were closed
     */
    static int closeConnections(String part) throws Exception {
        List<String> pids = new ArrayList<>();
        // one line per connection: <pid> TAB [{"connection_name","..."},...]
        String needle = "{\"connection_name\",\"" + part;
        for (String line : rabbitmqctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties")
                .split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.substring(tab).contains(needle)) {
                pids.add(line.substring(0, tab).strip());
            }
        }
        List<Thread> closing = new ArrayList<>();
        for (String pid : pids) {
            Thread t = new Thread(() -> {
                try {
                    rabbitmqctl("close_connection", pid, "tasq test: forced close");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            t.join(60_000);
        }
        return pids.size();
    }

    /** How many queues of the Tasq queue {@code name} exist, plus the messages they hold, ready or not. */
    static long footprint(String name) {
        try {
            long total = 0;
            for (String line : rabbitmqctl("list_queues", "-q", "--no-table-headers", "name", "messages").split("\n")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length == 2 && cols[0].startsWith("tasq." + name + ".")) {
                    total += 1 + Long.parseLong(cols[1]);
                }
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the queues of " + name + ": " + e, e);
        }
    }

    /** The names of the queues of the Tasq queue {@code name} there are. */
    static List<String> queuesOf(String name) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : rabbitmqctl("list_queues", "-q", "--no-table-headers", "name").split("\n")) {
            if (line.strip().startsWith("tasq." + name + ".")) {
                out.add(line.strip());
            }
        }
        return out;
    }

    static String rabbitmqctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl"));
        cmd.addAll(List.of(args));
        if (container != null) {
            Container.ExecResult r = container.execInContainer(cmd.toArray(String[]::new));
            if (r.getExitCode() != 0) {
                throw new IllegalStateException(cmd + " failed: " + r.getStderr());
            }
            return r.getStdout();
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed (the test closes connections from the broker's side and "
                    + "needs rabbitmqctl for the broker at " + url() + "): " + out);
        }
        return out;
    }
}
