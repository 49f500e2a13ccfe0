package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.BackendUnavailableException;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a private TLS Redis with a self-signed certificate for {@code localhost}:
 * trusted through {@code redis.tls-ca} it works end to end; untrusted, or for another host name, it
 * is refused at connect time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

    @TempDir
    static Path dir;

    private static RedisServer server;
    private static int tlsPort;
    private static Path cert;

    @BeforeAll
    static void startTlsServer() throws Exception {
        char[] pw = "changeit".toCharArray();
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "redis", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as("keytool: %s", out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, pw);
        }
        cert = Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", ks.getCertificate("redis").getEncoded()));
        Path key = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", ks.getKey("redis", pw).getEncoded()));
        tlsPort = Ports.free();
        server = RedisServer.start(dir.resolve("redis"), "--tls-port", Integer.toString(tlsPort), "--tls-cert-file",
                cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(),
                "--tls-auth-clients", "no");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Map<String, String> trusting(Map<String, String> base) {
        Map<String, String> m = new HashMap<>(base);
        m.put("redis.tls-ca", cert.toString());
        return m;
    }

    @Test
    void aJobTravelsOverTlsWhenTheServersCertificateIsTrusted() {
        String url = "rediss://localhost:" + tlsPort + "?name=tls";
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker().with("redis.tls-ca", cert.toString(),
                "test")).concurrency(1).build().start();
        try (TasqClient client = Tasq.builder().url(url).settings(trusting(TestKeys.client())).client()) {
            client.connect();
            assertThat(client.scheduleBlocking(Duration.ofSeconds(20), () -> "over tls", JobOptions.defaults()))
                    .isEqualTo("over tls");
        } finally {
            worker.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedAtConnectTime() {
        String url = "rediss://localhost:" + tlsPort + "?name=tls";
        assertThatThrownBy(() -> Tasq.builder().url(url).settings(TestKeys.client()).queue())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("TLS handshake with Redis at localhost:" + tlsPort)
                .hasMessageContaining("redis.tls-ca");
    }

    @Test
    void aCertificateForAnotherHostNameIsRefused() {
        String url = "rediss://127.0.0.1:" + tlsPort + "?name=tls"; // the certificate names localhost only
        assertThatThrownBy(() -> Tasq.builder().url(url).settings(trusting(TestKeys.client())).queue())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("TLS handshake with Redis at 127.0.0.1:" + tlsPort)
                .hasMessageContaining("127.0.0.1 found");
    }
}
