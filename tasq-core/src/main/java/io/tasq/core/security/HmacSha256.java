package io.tasq.core.security;

import com.google.auto.service.AutoService;
import io.tasq.ConfigurationException;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import io.tasq.spi.SignerProvider;
import io.tasq.spi.Verifier;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 with a key shared by clients and workers, from the setting {@code sign.key} (or the
 * environment variable {@code TASQ_SIGN_KEY}). The key id is {@code hmac-} and 16 hex digits of the
 * key's SHA-256, so a worker can tell a wrong key from a tampered envelope without revealing it.
 *
 * <p>Stateless and thread-safe: a {@link Mac} is kept per thread.
 */
@AutoService(SignerProvider.class)
public final class HmacSha256 implements SignerProvider {

    /** The algorithm name. */
    public static final String ALGORITHM = "hmac-sha256";
    /** The setting holding the shared key. */
    public static final String KEY_SETTING = "sign.key";
    /** The shortest key accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 16;

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public Optional<Signer> signer(Settings settings) {
        return key(settings).map(Key::new);
    }

    @Override
    public Optional<Verifier> verifier(Settings settings) {
        return key(settings).map(Key::new);
    }

    /** A signer and verifier for {@code secret}, for tests and explicit configuration. */
    public static Key forKey(String secret) {
        return new Key(bytes(secret, "the HMAC key"));
    }

    private static Optional<byte[]> key(Settings settings) {
        return settings.get(KEY_SETTING)
                .map(k -> bytes(k, "setting '" + KEY_SETTING + "' (from " + settings.sourceOf(KEY_SETTING) + ")"));
    }

    private static byte[] bytes(String secret, String what) {
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        if (b.length < MIN_KEY_BYTES) {
            throw new ConfigurationException(what + " is " + b.length + " bytes; an HMAC key needs at least "
                    + MIN_KEY_BYTES + " (generate one with: openssl rand -base64 32)");
        }
        return b;
    }

    /** One shared key, both signing and verifying. */
    public static final class Key implements Signer, Verifier {
        private final SecretKeySpec key;
        private final String keyId;
        private final ThreadLocal<Mac> macs;

        Key(byte[] secret) {
            this.key = new SecretKeySpec(secret, "HmacSHA256");
            this.keyId = KeyIds.of("hmac-", secret);
            this.macs = ThreadLocal.withInitial(this::newMac);
            newMac(); // fail now, not on the first job
        }

        private Mac newMac() {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("the JDK cannot do HmacSHA256", e);
            }
        }

        @Override
        public String algorithm() {
            return ALGORITHM;
        }

        @Override
        public String keyId() {
            return keyId;
        }

        @Override
        public Set<String> keyIds() {
            return Set.of(keyId);
        }

        @Override
        public byte[] sign(byte[] data, int offset, int length) {
            Mac mac = macs.get();
            mac.update(data, offset, length);
            return mac.doFinal();
        }

        @Override
        public boolean verify(String id, byte[] data, int offset, int length, byte[] signature) {
            if (!keyId.equals(id)) {
                return false;
            }
            // MessageDigest.isEqual compares in constant time for equal lengths
            return MessageDigest.isEqual(sign(data, offset, length), signature);
        }

        @Override
        public String toString() {
            return "HmacSha256{keyId=" + keyId + "}";
        }
    }
}
