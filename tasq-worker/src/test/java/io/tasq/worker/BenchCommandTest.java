package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.core.testkit.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A smoke run of {@code tq bench}: a few hundred jobs on the brokerless backend, raw and through Tasq. */
class BenchCommandTest {

    @Test
    void benchComparesTasqWithTheRawEchoAndPrintsJson() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Tq()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int code = cli.execute("bench", "--backend", url, "--jobs", "300", "--in-flight", "16", "--warmup", "0s",
                "--compare", "--json");

        assertThat(code).as("exit code; stderr:\n%s", err).isZero();
        Map<String, Object> report = JSON.std.mapFrom(out.toString());
        assertThat(report).containsKeys("raw", "tasq", "throughputRatio", "p50Ratio");
        for (String mode : new String[] {"raw", "tasq"}) {
            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) report.get(mode);
            assertThat(run.get("mode")).isEqualTo(mode);
            assertThat(((Number) run.get("jobs")).longValue()).isGreaterThanOrEqualTo(300);
            assertThat(((Number) run.get("errors")).longValue()).isZero();
            assertThat(((Number) run.get("jobsPerSecond")).doubleValue()).isPositive();
            @SuppressWarnings("unchecked")
            Map<String, Object> latency = (Map<String, Object>) run.get("latencyMicros");
            assertThat(latency).containsKeys("p50", "p90", "p99", "p999", "max", "mean");
            assertThat(((Number) latency.get("p50")).doubleValue()).isPositive()
                    .isLessThanOrEqualTo(((Number) latency.get("max")).doubleValue());
            @SuppressWarnings("unchecked")
            Map<String, Object> cpu = (Map<String, Object>) run.get("cpu");
            assertThat(((Number) cpu.get("processMicrosPerJob")).doubleValue()).isPositive();
            @SuppressWarnings("unchecked")
            Map<String, Object> threads = (Map<String, Object>) cpu.get("threadsMicrosPerJob");
            assertThat(threads).containsKey(mode.equals("raw") ? "raw echo: zmq-echo-N" : "worker: ZMQ IO loop");
        }
        assertThat(((Number) report.get("throughputRatio")).doubleValue()).isPositive();
    }

    @Test
    void cpuIsChargedToTheRoleOfEachThread() {
        assertThat(BenchCpu.role("tasq-zmq-client-c-umyfi5z2yf1k")).isEqualTo("client: ZMQ IO loop");
        assertThat(BenchCpu.role("w-vm-5239-hha-actor-1")).startsWith("worker: actors");
        assertThat(BenchCpu.role("tasq-client-c-umyfi5z2yf1k")).startsWith("client: result thread");
        assertThat(BenchCpu.role("tasq-redis-settle-w-vm-5239-hha")).isEqualTo("Redis: settle threads");
        assertThat(BenchCpu.role("tasq-amqp-12 tasq bench worker w-1")).isEqualTo("amqp-client consumer dispatch threads");
        assertThat(BenchCpu.role("iothread-2")).startsWith("JeroMQ I/O threads");
        assertThat(BenchCpu.role("something-17")).isEqualTo("something-N");
    }

    @Test
    void memoryOfAClientHoldingJobsWithNoWorkerIsPrintedAsJson() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Tq()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int code = cli.execute("bench", "--backend", url, "--memory", "client", "--jobs", "500", "--json");

        assertThat(code).as("exit code; stderr:\n%s", err).isZero();
        Map<String, Object> report = JSON.std.mapFrom(out.toString());
        assertThat(report).containsEntry("memory", "client").containsEntry("jobs", 500).containsEntry("pending", 500);
        assertThat(((Number) report.get("heapUsedBytes")).longValue()).isPositive();
    }

    @Test
    void aBadLoadIsRefusedWithExitCodeTwo() {
        assertThat(Tq.execute("bench", "--in-flight", "0")).isEqualTo(2);
    }
}
