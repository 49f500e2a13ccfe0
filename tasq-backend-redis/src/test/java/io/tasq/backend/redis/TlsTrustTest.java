package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.SslVerifyMode;

/** The trust store made from {@code redis.tls-ca}, and the TLS options of {@code rediss://}. */
class TlsTrustTest {

    @TempDir
    Path dir;

    private static RedisSettings settings(Map<String, String> values) {
        return RedisSettings.from(BackendUri.parse("rediss://localhost:6380?name=tls"), Settings.of(values, "test"));
    }

    private Path pemOf(String... names) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (String name : names) {
            Path store = dir.resolve(name + ".p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", name, "-keyalg", "EC", "-validity", "2", "-dname", "CN=" + name,
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                    .redirectErrorStream(true).start();
            String out = new String(keytool.getInputStream().readAllBytes());
            assertThat(keytool.waitFor()).as("keytool: %s", out).isZero();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, "changeit".toCharArray());
            }
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ks.getCertificate(name)
                            .getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return Files.writeString(dir.resolve("ca.pem"), pem);
    }

    @Test
    void everyCertificateOfThePemFileIsTrusted() throws Exception {
        Path ca = pemOf("first", "second");
        char[] password = "pw".toCharArray();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(new ByteArrayInputStream(TlsTrust.store(settings(Map.of("redis.tls-ca", ca.toString())), password)),
                password);
        assertThat(Collections.list(trust.aliases())).hasSize(2)
                .allSatisfy(a -> assertThat(trust.isCertificateEntry(a)).isTrue());
        assertThat(Collections.list(trust.aliases()).stream()
                .map(a -> ((X509Certificate) getCertificate(trust, a)).getSubjectX500Principal().getName()))
                .containsExactlyInAnyOrder("CN=first", "CN=second");
    }

    private static java.security.cert.Certificate getCertificate(KeyStore store, String alias) {
        try {
            return store.getCertificate(alias);
        } catch (java.security.KeyStoreException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theServerIsAlwaysFullyVerifiedWithOrWithoutACaFile() throws Exception {
        assertThat(TlsTrust.options(settings(Map.of())).getSslVerifyMode()).isEqualTo(SslVerifyMode.FULL);
        Path ca = pemOf("ca");
        assertThat(TlsTrust.options(settings(Map.of("redis.tls-ca", ca.toString()))).getSslVerifyMode())
                .isEqualTo(SslVerifyMode.FULL);
    }

    @Test
    void aFileWithoutCertificatesOrNoFileIsAConfigurationErrorNamingTheSetting() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> TlsTrust.options(settings(Map.of("redis.tls-ca", empty.toString()))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'redis.tls-ca'")
                .hasMessageContaining("holds no PEM certificate");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> TlsTrust.options(settings(Map.of("redis.tls-ca", missing.toString()))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot read " + missing);
    }
}
