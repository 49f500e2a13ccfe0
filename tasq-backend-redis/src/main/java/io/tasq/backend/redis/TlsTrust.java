package io.tasq.backend.redis;

import io.tasq.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/**
 * How {@code rediss://} connections check the server: its certificate must chain to a trusted CA and
 * name the host, the CA being the JVM's or those of the PEM file {@code redis.tls-ca}. Stateless.
 */
final class TlsTrust {

    private TlsTrust() {
    }

    /**
     * The TLS options of the backend's connections: full verification, against the trust store made
     * from {@code redis.tls-ca} if it is set, else the JVM's.
     *
     * @throws io.tasq.ConfigurationException if {@code redis.tls-ca} cannot be read or holds no
     *     certificate
     */
    static SslOptions options(RedisSettings settings) {
        // FULL: the server's certificate must chain to a trusted CA and name the host
        SslOptions.Builder tls = SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL);
        if (settings.tlsCa() != null) {
            char[] password = "tasq".toCharArray(); // protects nothing: the store holds public certificates
            byte[] store = store(settings, password);
            tls.truststore(() -> new ByteArrayInputStream(store), password).trustStoreType("PKCS12");
        }
        return tls.build();
    }

    /** A PKCS12 trust store, as bytes, of the PEM certificates in {@code redis.tls-ca}. */
    static byte[] store(RedisSettings settings, char[] password) {
        try (InputStream in = Files.newInputStream(settings.tlsCa())) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ConfigurationException("setting 'redis.tls-ca': " + settings.tlsCa()
                        + " holds no PEM certificate");
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            trust.store(out, password);
            return out.toByteArray();
        } catch (IOException e) {
            throw new ConfigurationException("setting 'redis.tls-ca': cannot read " + settings.tlsCa() + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("setting 'redis.tls-ca': " + settings.tlsCa()
                    + " is not a PEM file of X.509 certificates: " + e.getMessage(), e);
        }
    }
}
