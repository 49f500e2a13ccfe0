package io.tasq.worker;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The figures of one bench run: throughput and round-trip latency percentiles, in microseconds. */
record BenchResult(String mode, String backend, BenchCommand.Load load, long jobs, long errors, double seconds,
        double perSecond, double p50, double p90, double p99, double p999, double max, double mean, BenchCpu.Usage cpu) {

    static BenchResult of(String mode, String backend, BenchCommand.Load load, Histogram h, long jobs, long errors,
            double seconds, BenchCpu.Usage cpu) {
        return new BenchResult(mode, backend, load, jobs, errors, seconds, seconds > 0 ? jobs / seconds : 0,
                us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)),
                us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()), h.getTotalCount() == 0 ? 0 : h.getMean() / 1000.0,
                cpu);
    }

    private static double us(long nanos) {
        return nanos / 1000.0;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode);
        m.put("backend", backend);
        m.put("clients", load.clients());
        m.put("inFlight", load.inFlight());
        m.put("payloadBytes", load.payload());
        m.put("workers", load.workers());
        m.put("jobs", jobs);
        m.put("errors", errors);
        m.put("seconds", round(seconds, 3));
        m.put("jobsPerSecond", round(perSecond, 1));
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", round(p50, 1));
        lat.put("p90", round(p90, 1));
        lat.put("p99", round(p99, 1));
        lat.put("p999", round(p999, 1));
        lat.put("max", round(max, 1));
        lat.put("mean", round(mean, 1));
        m.put("latencyMicros", lat);
        if (cpu != null) {
            m.put("cpu", cpu.toMap());
        }
        return m;
    }

    String text() {
        return String.format(Locale.ROOT, "%-5s %,10.0f jobs/s  %,9d jobs in %5.1f s  latency p50 %s  p90 %s  p99 %s  "
                + "p99.9 %s  max %s%s%s", mode, perSecond, jobs, seconds, t(p50), t(p90), t(p99), t(p999), t(max),
                errors > 0 ? "  (" + errors + " errors)" : "",
                cpu == null ? "" : String.format(Locale.ROOT, "  cpu %.1f us/job in this JVM", cpu.processMicros()));
    }

    /** A latency in the unit that reads best. */
    static String t(double micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.0f ms", micros / 1000)
                : micros >= 1000 ? String.format(Locale.ROOT, "%.2f ms", micros / 1000)
                : String.format(Locale.ROOT, "%.0f us", micros);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
