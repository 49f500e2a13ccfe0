package io.tasq.core.security;

import io.tasq.ConfigurationException;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import io.tasq.spi.SignerProvider;
import io.tasq.spi.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the client's signer and the worker's trusted keys from settings. Stateless.
 *
 * <p>{@code sign.algorithm} picks the client's algorithm; when it is not set, a configured
 * {@code sign.private-key} means Ed25519 and a configured {@code sign.key} HMAC-SHA256. A worker
 * trusts the keys of every algorithm its settings name.
 */
public final class Signing {

    /** The setting choosing the client's algorithm: {@code hmac-sha256}, {@code ed25519} or {@code none}. */
    public static final String ALGORITHM_SETTING = "sign.algorithm";

    private Signing() {
    }

    /** The client's signer, or empty to send unsigned envelopes. */
    public static Optional<Signer> signer(Settings settings) {
        Optional<String> algorithm = settings.get(ALGORITHM_SETTING).map(String::strip);
        if (algorithm.isPresent()) {
            if (algorithm.get().equals("none")) {
                return Optional.empty();
            }
            SignerProvider p = Providers.signer(algorithm.get());
            return Optional.of(p.signer(settings).orElseThrow(() -> new ConfigurationException("setting '"
                    + ALGORITHM_SETTING + "' (from " + settings.sourceOf(ALGORITHM_SETTING) + ") asks for "
                    + algorithm.get() + " signing, but no key is configured for it: set "
                    + (algorithm.get().equals(Ed25519.ALGORITHM) ? Ed25519.PRIVATE_KEY_SETTING
                            : HmacSha256.KEY_SETTING + " (or TASQ_SIGN_KEY)"))));
        }
        if (settings.has(Ed25519.PRIVATE_KEY_SETTING)) {
            return Providers.signer(Ed25519.ALGORITHM).signer(settings);
        }
        if (settings.has(HmacSha256.KEY_SETTING)) {
            return Providers.signer(HmacSha256.ALGORITHM).signer(settings);
        }
        return Optional.empty();
    }

    /** The worker's gate, trusting every key the settings name. */
    public static SignatureCheck check(Settings settings, boolean acceptUnsigned) {
        List<Verifier> verifiers = new ArrayList<>();
        for (SignerProvider p : Providers.signers()) {
            p.verifier(settings).ifPresent(verifiers::add);
        }
        return new SignatureCheck(verifiers, acceptUnsigned);
    }
}
