package io.tasq.core.security;

import io.tasq.spi.Credentials;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import java.util.Optional;

/**
 * The {@link Credentials} the runtime hands a backend: the client's signer, and the worker's trusted
 * keys through its {@link SignatureCheck}. Immutable and thread-safe.
 */
public final class KeyCredentials implements Credentials {

    private final Signer signer;
    private final SignatureCheck check;

    /**
     * @param signer the key this side signs with, or {@code null}
     * @param check the keys this side trusts
     */
    public KeyCredentials(Signer signer, SignatureCheck check) {
        this.signer = signer;
        this.check = check;
    }

    /** What the settings name: the client's signer and every trusted key, unsigned peers refused. */
    public static KeyCredentials from(Settings settings) {
        return new KeyCredentials(Signing.signer(settings).orElse(null), Signing.check(settings, false));
    }

    @Override
    public Optional<Signer> signer() {
        return Optional.ofNullable(signer);
    }

    @Override
    public boolean verify(String algorithm, String keyId, byte[] data, byte[] signature) {
        return check.verify(algorithm, keyId, data, signature);
    }

    @Override
    public boolean acceptsUnsigned() {
        return check.acceptsUnsigned();
    }
}
