package com.example.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.worker.TqProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's container image, {@code target/tq-image.tar}, as a container runtime would read it:
 * its manifest and configuration, and — unpacked layer by layer into a directory and started with
 * {@code chroot} in user, mount and pid namespaces of its own (no root needed) — a worker that runs a job whose code it
 * never had (this class is shipped: it is not in the image), on the image's own Java runtime.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ImageIT {

    private static final Path IMAGE = Path.of("target", "tq-image.tar").toAbsolutePath();

    @TempDir
    Path dir;

    private static String run(Path cwd, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", List.of(command), out).isZero();
        return out;
    }

    private static List<Object> list(Object json) {
        return new ArrayList<>((List<?>) json);
    }

    private static Map<Object, Object> map(Object json) {
        return new java.util.HashMap<>((Map<?, ?>) json);
    }

    /** Unpacks the image tarball into {@code dir/image}; returns its manifest entry. */
    private Map<String, Object> unpack() throws Exception {
        assertThat(IMAGE).as("the image is built by ./mvnw package (Jib buildTar)").exists();
        Path image = Files.createDirectories(dir.resolve("image"));
        run(image, "tar", "-xf", IMAGE.toString());
        List<Object> manifest = JSON.std.listFrom(Files.readString(image.resolve("manifest.json")));
        assertThat(manifest).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) manifest.get(0);
        return entry;
    }

    @Test
    void theManifestNamesTheImageAndItsEntryPointIsTheLauncher() throws Exception {
        Map<String, Object> entry = unpack();
        assertThat((List<?>) entry.get("RepoTags")).singleElement().asString().startsWith("tasq/tq:");
        assertThat((List<?>) entry.get("Layers")).isNotEmpty();
        Map<String, Object> config = JSON.std.mapFrom(Files.readString(dir.resolve("image")
                .resolve((String) entry.get("Config"))));
        assertThat(config).containsEntry("os", "linux").containsEntry("architecture", "amd64");
        Map<?, ?> c = (Map<?, ?>) config.get("config");
        assertThat(list(c.get("Entrypoint"))).containsExactly("/opt/java/bin/java", "-XX:-UsePerfData",
                "-XX:MaxRAMPercentage=75", "-cp", "/app/resources:/app/classes:/app/libs/*", "io.tasq.worker.Tq");
        assertThat(list(c.get("Cmd"))).containsExactly("worker");
        assertThat(list(c.get("Env"))).contains("TASQ_BACKEND=zmq://0.0.0.0:9000");
        assertThat(map(c.get("ExposedPorts"))).containsOnlyKeys("9000/tcp", "9001/tcp");
        assertThat(c.get("WorkingDir")).isEqualTo("/app");
    }

    @Test
    void unpackedItStartsAWorkerThatRunsShippedCodeOnItsOwnRuntime() throws Exception {
        Map<String, Object> entry = unpack();
        Path root = Files.createDirectories(dir.resolve("root"));
        for (Object layer : (List<?>) entry.get("Layers")) {
            run(root, "tar", "-xzf", dir.resolve("image").resolve((String) layer).toString());
        }
        Map<?, ?> c = (Map<?, ?>) JSON.std.mapFrom(Files.readString(dir.resolve("image")
                .resolve((String) entry.get("Config")))).get("config");
        int port = Ports.freePair();
        StringBuilder entrypoint = new StringBuilder("exec chroot " + root);
        for (Object arg : (List<?>) c.get("Entrypoint")) {
            entrypoint.append(" '").append(arg).append('\'');
        }
        entrypoint.append(" worker");
        List<String> command = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "--pid",
                "--fork", "--kill-child", "sh", "-c",
                "mount -t proc proc " + root.resolve("proc") + " && " + entrypoint));
        String url = "zmq://127.0.0.1:" + port;
        try (TqProcess worker = TqProcess.command(command, Map.of("TASQ_BACKEND", url, "TASQ_SIGN_KEY", TestKeys.KEY,
                "TASQ_WORKER_ALLOW_CLASSES", "com.example.shipped.**"));
                TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            worker.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            client.connect();
            assertThat(client.schedule(() -> System.getProperty("java.home")).unwrap(Duration.ofSeconds(30)))
                    .isEqualTo("/opt/java");
            // SIGTERM to the worker itself (unshare does not pass signals on), as a container runtime sends it
            ProcessHandle.of(worker.pid()).orElseThrow().descendants().forEach(ProcessHandle::destroy);
            assertThat(worker.waitFor(Duration.ofSeconds(30))).isZero();
            assertThat(worker.output()).contains("stopped (");
        }
    }
}
