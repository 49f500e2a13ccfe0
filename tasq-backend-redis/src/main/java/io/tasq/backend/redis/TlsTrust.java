package io.tasq.backend.redis;

import io.tasq.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** The trust store of {@code rediss://} connections made from {@code redis.tls-ca}. Stateless. */
final class TlsTrust {

    private TlsTrust() {
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
