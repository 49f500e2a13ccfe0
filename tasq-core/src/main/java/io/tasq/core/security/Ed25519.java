package io.tasq.core.security;

import com.google.auto.service.AutoService;
import io.tasq.ConfigurationException;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import io.tasq.spi.SignerProvider;
import io.tasq.spi.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Ed25519 signatures (JDK built-in): clients sign with a private key, workers verify with one or
 * several trusted public keys and cannot sign themselves.
 *
 * <p>Key files are PEM: {@code NAME.key} holds the private key (PKCS#8) followed by its public key,
 * {@code NAME.pub} the public key (X.509); {@code tq keygen} writes both. Settings:
 * {@code sign.private-key} (client: the {@code .key} file) and {@code sign.public-keys} (worker:
 * {@code .pub} files or directories of them, comma separated). The key id is {@code ed25519-} and 16
 * hex digits of the SHA-256 of the public key.
 *
 * <p>Stateless and thread-safe.
 */
@AutoService(SignerProvider.class)
public final class Ed25519 implements SignerProvider {

    /** The algorithm name. */
    public static final String ALGORITHM = "ed25519";
    /** The setting naming the private key file. */
    public static final String PRIVATE_KEY_SETTING = "sign.private-key";
    /** The setting naming the trusted public key files or directories. */
    public static final String PUBLIC_KEYS_SETTING = "sign.public-keys";

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public Optional<Signer> signer(Settings settings) {
        return settings.get(PRIVATE_KEY_SETTING).map(p -> loadSigner(Path.of(p.strip())));
    }

    @Override
    public Optional<Verifier> verifier(Settings settings) {
        return settings.get(PUBLIC_KEYS_SETTING).map(list -> {
            List<Path> files = new ArrayList<>();
            for (String item : list.split(",")) {
                if (!item.isBlank()) {
                    files.addAll(publicKeyFiles(Path.of(item.strip())));
                }
            }
            if (files.isEmpty()) {
                throw settings.bad(PUBLIC_KEYS_SETTING, list, "names no public key file (*.pub)");
            }
            return loadVerifier(files);
        });
    }

    /** Generates a key pair and writes {@code dir/name.key} (owner-only) and {@code dir/name.pub}. */
    public static Path[] generate(Path dir, String name) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.createDirectories(dir);
            Path priv = dir.resolve(name + ".key");
            Path pub = dir.resolve(name + ".pub");
            if (Files.exists(priv) || Files.exists(pub)) {
                throw new ConfigurationException("refusing to overwrite " + priv + " or " + pub);
            }
            String publicPem = Pem.write(PUBLIC, pair.getPublic().getEncoded());
            Files.writeString(priv, Pem.write(PRIVATE, pair.getPrivate().getEncoded()) + publicPem);
            try {
                Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the user protects the file
            }
            Files.writeString(pub, publicPem);
            return new Path[] {priv, pub};
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("cannot write a key pair to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The key id of the public key in {@code file} (a {@code .pub} or {@code .key} file). */
    public static String keyIdOf(Path file) {
        return KeyIds.of("ed25519-", publicKey(file, Pem.read(file)).getEncoded());
    }

    static KeySigner loadSigner(Path file) {
        List<Pem.Block> blocks = Pem.read(file);
        PrivateKey priv = null;
        for (Pem.Block b : blocks) {
            if (b.type().equals(PRIVATE)) {
                try {
                    priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(b.der()));
                } catch (GeneralSecurityException e) {
                    throw new ConfigurationException(file + " does not hold an Ed25519 private key: " + e.getMessage(), e);
                }
            }
        }
        if (priv == null) {
            throw new ConfigurationException(file + " holds no PRIVATE KEY block; give the .key file from tq keygen");
        }
        PublicKey pub = publicKey(file, blocks);
        return new KeySigner(priv, KeyIds.of("ed25519-", pub.getEncoded()));
    }

    static KeyVerifier loadVerifier(List<Path> files) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (Path f : files) {
            PublicKey k = publicKey(f, Pem.read(f));
            keys.put(KeyIds.of("ed25519-", k.getEncoded()), k);
        }
        return new KeyVerifier(Collections.unmodifiableMap(keys));
    }

    private static PublicKey publicKey(Path file, List<Pem.Block> blocks) {
        for (Pem.Block b : blocks) {
            if (b.type().equals(PUBLIC)) {
                try {
                    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(b.der()));
                } catch (GeneralSecurityException e) {
                    throw new ConfigurationException(file + " does not hold an Ed25519 public key: " + e.getMessage(), e);
                }
            }
        }
        Path sibling = file.resolveSibling(file.getFileName().toString().replaceAll("\\.key$", "") + ".pub");
        if (!sibling.equals(file) && Files.exists(sibling)) {
            return publicKey(sibling, Pem.read(sibling));
        }
        throw new ConfigurationException(file + " holds no PUBLIC KEY block (and there is no " + sibling + ")");
    }

    private static List<Path> publicKeyFiles(Path p) {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                return s.filter(f -> f.getFileName().toString().endsWith(".pub")).sorted().toList();
            } catch (IOException e) {
                throw new ConfigurationException("cannot list public keys in " + p + ": " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(p)) {
            throw new ConfigurationException("public key file " + p + " does not exist");
        }
        return List.of(p);
    }

    /** Signs with one private key. */
    static final class KeySigner implements Signer {
        private final PrivateKey key;
        private final String keyId;

        KeySigner(PrivateKey key, String keyId) {
            this.key = key;
            this.keyId = keyId;
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
        public byte[] sign(byte[] data, int offset, int length) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(data, offset, length);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 signing failed", e);
            }
        }

        @Override
        public String toString() {
            return "Ed25519Signer{keyId=" + keyId + "}";
        }
    }

    /** Verifies with any of several trusted public keys. */
    static final class KeyVerifier implements Verifier {
        private final Map<String, PublicKey> keys;

        KeyVerifier(Map<String, PublicKey> keys) {
            this.keys = keys;
        }

        @Override
        public String algorithm() {
            return ALGORITHM;
        }

        @Override
        public Set<String> keyIds() {
            return keys.keySet();
        }

        @Override
        public boolean verify(String keyId, byte[] data, int offset, int length, byte[] signature) {
            PublicKey key = keys.get(keyId);
            if (key == null) {
                return false;
            }
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(data, offset, length);
                return s.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return "Ed25519Verifier{keyIds=" + keys.keySet() + "}";
        }
    }
}
