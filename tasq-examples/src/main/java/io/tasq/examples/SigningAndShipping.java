package io.tasq.examples;

import io.tasq.JobUnansweredException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.security.Ed25519;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Ed25519 signing and code shipping: the worker trusts only a public key; the client signs with the
 * private one and ships the classes its job needs; a client with another key is refused, without an
 * answer (the worker's log says why; the client's {@code client.job-timeout} ends its wait). (From the
 * command line: {@code tq keygen}, then {@code tq worker --public-keys NAME.pub}.)
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.SigningAndShipping</pre>
 */
public final class SigningAndShipping {

    private SigningAndShipping() {
    }

    /** An application type the job uses: shipped with it. */
    record Invoice(String customer, double amount) implements java.io.Serializable {
        Invoice withTax() {
            return new Invoice(customer, Math.round(amount * 1.22 * 100) / 100.0);
        }
    }

    public static void main(String[] args) throws Exception {
        Path keys = Files.createTempDirectory("tasq-keys");
        Path[] alice = Ed25519.generate(keys, "alice");
        Path[] mallory = Ed25519.generate(keys.resolve("other"), "mallory");
        String url = LocalWorker.zmqUrl();
        Worker worker = Worker.builder().backend(url)
                .settings(Settings.of(Map.of("sign.public-keys", alice[1].toString()), "example")).build().start();
        try (TasqClient client = Tasq.builder().url(url).setting("sign.private-key", alice[0].toString()).client();
                TasqClient intruder = Tasq.builder().url(url).setting("sign.private-key", mallory[0].toString())
                        .setting("client.job-timeout", "3s").client()) {
            client.connect();
            intruder.connect();
            System.out.println("signed by alice (" + Ed25519.keyIdOf(alice[1]) + "): "
                    + client.schedule(Invoice::withTax, new Invoice("ACME", 100)).unwrap(Duration.ofSeconds(30)));
            try {
                intruder.schedule(Invoice::withTax, new Invoice("ACME", 1)).unwrap(Duration.ofSeconds(30));
            } catch (JobUnansweredException e) {
                // the worker refused it (its log: "... signed with key ed25519-..., which this worker does not
                // trust") and told no one, since the address in an unverified job could be anyone's
                System.out.println("signed by mallory: refused, never answered: " + e.getMessage());
            }
        } finally {
            worker.stop(Duration.ofSeconds(5));
        }
    }
}
