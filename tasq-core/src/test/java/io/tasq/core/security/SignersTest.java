package io.tasq.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import io.tasq.spi.Signer;
import io.tasq.spi.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignersTest {

    private static final byte[] DATA = "some envelope bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void bothAlgorithmsAreFoundThroughServiceLoader() {
        assertThat(Providers.signer("hmac-sha256")).isInstanceOf(HmacSha256.class);
        assertThat(Providers.signer("ed25519")).isInstanceOf(Ed25519.class);
        assertThatThrownBy(() -> Providers.signer("rot13")).hasMessageContaining("no signing algorithm named 'rot13'")
                .hasMessageContaining("hmac-sha256");
    }

    @Test
    void hmacSignsAndVerifiesAndRefusesOtherKeysAndTampering() {
        Settings s = Settings.of(Map.of("sign.key", "0123456789abcdef0123"), "test");
        Signer signer = Providers.signer("hmac-sha256").signer(s).orElseThrow();
        Verifier verifier = Providers.signer("hmac-sha256").verifier(s).orElseThrow();
        byte[] sig = signer.sign(DATA, 0, DATA.length);
        assertThat(verifier.verify(signer.keyId(), DATA, 0, DATA.length, sig)).isTrue();
        byte[] tampered = DATA.clone();
        tampered[3] ^= 1;
        assertThat(verifier.verify(signer.keyId(), tampered, 0, DATA.length, sig)).isFalse();
        assertThat(verifier.verify("hmac-other", DATA, 0, DATA.length, sig)).isFalse();
        assertThat(signer.keyId()).startsWith("hmac-").doesNotContain("0123456789abcdef");
    }

    @Test
    void hmacRefusesShortKeysNamingTheSetting() {
        Settings s = Settings.of(Map.of("sign.key", "short"), "environment");
        assertThatThrownBy(() -> Providers.signer("hmac-sha256").signer(s))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'sign.key' (from environment)")
                .hasMessageContaining("at least 16");
    }

    @Test
    void ed25519WorkersHoldOnlyPublicKeys(@TempDir Path dir) {
        Path[] alice = Ed25519.generate(dir.resolve("alice"), "alice");
        Path[] bob = Ed25519.generate(dir.resolve("bob"), "bob");
        Signer aliceSigner = Providers.signer("ed25519")
                .signer(Settings.of(Map.of("sign.private-key", alice[0].toString()), "t")).orElseThrow();
        Signer bobSigner = Providers.signer("ed25519")
                .signer(Settings.of(Map.of("sign.private-key", bob[0].toString()), "t")).orElseThrow();
        Verifier trustsAlice = Providers.signer("ed25519")
                .verifier(Settings.of(Map.of("sign.public-keys", alice[1].toString()), "t")).orElseThrow();
        byte[] sig = aliceSigner.sign(DATA, 0, DATA.length);
        assertThat(trustsAlice.verify(aliceSigner.keyId(), DATA, 0, DATA.length, sig)).isTrue();
        assertThat(aliceSigner.keyId()).isEqualTo(Ed25519.keyIdOf(alice[1]));
        byte[] bobSig = bobSigner.sign(DATA, 0, DATA.length);
        assertThat(trustsAlice.verify(bobSigner.keyId(), DATA, 0, DATA.length, bobSig)).isFalse();
        assertThat(trustsAlice.verify(aliceSigner.keyId(), DATA, 0, DATA.length, bobSig)).isFalse();
        Verifier trustsBoth = Providers.signer("ed25519")
                .verifier(Settings.of(Map.of("sign.public-keys", alice[1] + "," + dir.resolve("bob")), "t"))
                .orElseThrow();
        assertThat(trustsBoth.keyIds()).containsExactlyInAnyOrder(aliceSigner.keyId(), bobSigner.keyId());
    }

    @Test
    void clientSignerFollowsTheKeysConfigured(@TempDir Path dir) {
        assertThat(Signing.signer(Settings.empty())).isEmpty();
        assertThat(Signing.signer(Settings.of(Map.of("sign.key", "0123456789abcdef"), "t")).orElseThrow().algorithm())
                .isEqualTo("hmac-sha256");
        Path[] keys = Ed25519.generate(dir, "client");
        assertThat(Signing.signer(Settings.of(Map.of("sign.private-key", keys[0].toString()), "t")).orElseThrow()
                .algorithm()).isEqualTo("ed25519");
        assertThatThrownBy(() -> Signing.signer(Settings.of(Map.of("sign.algorithm", "ed25519"), "t")))
                .hasMessageContaining("no key is configured").hasMessageContaining("sign.private-key");
    }
}
