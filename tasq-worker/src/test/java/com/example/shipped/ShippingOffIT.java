package com.example.shipped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.JobRejectedException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.worker.TqProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker started with --no-code-shipping runs only code on its class path. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShippingOffIT {

    private static final String KEY = "shipping-off-test-key-0123456789";

    @Test
    void shippedCodeIsIgnoredAndTheJobRefusedWithTheReason() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        try (TqProcess worker = TqProcess.start(Map.of("TASQ_SIGN_KEY", KEY), "worker", "--backend", url,
                "--no-code-shipping", "--allow-classes", "com.example.**")) {
            assertThat(worker.awaitLine("Listening for jobs on", Duration.ofSeconds(60))).contains("code shipping off");
            try (TasqClient client = Tasq.builder().url(url).setting("sign.key", KEY).client()) {
                client.connect();
                assertThatThrownBy(() -> client.schedule(Greetings::greet, "Ada").unwrap(Duration.ofSeconds(30)))
                        .isInstanceOf(JobRejectedException.class)
                        .hasMessageContaining("com.example.shipped")
                        .hasMessageContaining("not on the reader's classpath");
            }
        }
    }
}
