package com.example.shipped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.JobUnansweredException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.worker.TqProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ed25519: tq keygen writes a pair; the worker holds only public keys, the client the private one. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Ed25519IT {

    @Test
    void workersTrustPublicKeysAndRefuseOthers(@TempDir Path dir) throws Exception {
        try (TqProcess keygen = TqProcess.start(Map.of(), "keygen", "--dir", dir.toString(), "--name", "alice")) {
            assertThat(keygen.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(keygen.output()).contains("key id ed25519-");
        }
        try (TqProcess keygen = TqProcess.start(Map.of(), "keygen", "--dir", dir.resolve("other").toString(),
                "--name", "mallory")) {
            assertThat(keygen.waitFor(Duration.ofSeconds(60))).isZero();
        }
        assertThat(Files.readString(dir.resolve("alice.pub"))).contains("BEGIN PUBLIC KEY").doesNotContain("PRIVATE");
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        try (TqProcess worker = TqProcess.start(Map.of(), "worker", "--backend", url, "--public-keys",
                dir.resolve("alice.pub").toString())) {
            assertThat(worker.awaitLine("Listening for jobs on", Duration.ofSeconds(60))).contains("ed25519");
            try (TasqClient alice = Tasq.builder().url(url).setting("sign.private-key", dir.resolve("alice.key").toString())
                    .client();
                    TasqClient mallory = Tasq.builder().url(url)
                            .setting("sign.private-key", dir.resolve("other/mallory.key").toString())
                            .setting("client.job-timeout", "5s").client()) {
                alice.connect();
                mallory.connect();
                assertThat(alice.schedule(Greetings::greet, "Alice").unwrap(Duration.ofSeconds(30)))
                        .isEqualTo("Hello, Alice!");
                // refused without a word to Mallory: her job times out on her side, the worker's log says why
                assertThatThrownBy(() -> mallory.schedule(Greetings::greet, "Mallory").unwrap(Duration.ofSeconds(60)))
                        .isInstanceOf(JobUnansweredException.class).hasMessageContaining("client.job-timeout");
                assertThat(worker.awaitLine("does not trust", Duration.ofSeconds(30))).contains("ed25519-");
            }
            assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
        }
    }
}
