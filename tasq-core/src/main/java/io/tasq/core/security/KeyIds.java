package io.tasq.core.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Key ids: the first 8 bytes of a SHA-256 of the key material, in hex. Not secret. Stateless. */
final class KeyIds {

    private KeyIds() {
    }

    static String of(String prefix, byte[] material) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material);
            return prefix + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
