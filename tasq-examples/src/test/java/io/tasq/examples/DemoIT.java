package io.tasq.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's demo, as a user runs it: java -jar, against a worker from the tq distribution. */
class DemoIT {

    @Test
    void theDemoRunsEndToEndAndExitsZero() throws Exception {
        Path tq = Path.of("..", "tasq-worker", "target", "tq", "bin", "tq").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtasq.tq=" + tq, "-jar", Path.of("target", "tasq-demo.jar").toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("(no demo classes on its class path)").contains("hello          -> Hello from client")
                .contains("double-4       -> 8").contains("order-total    -> 7.5").contains("delayed        -> ran after")
                .contains("divide-by-zero -> failed remotely: java.lang.ArithmeticException: / by zero")
                .contains("worker stopped with exit code 0; demo finished");
    }
}
