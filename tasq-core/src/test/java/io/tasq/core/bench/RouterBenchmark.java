package io.tasq.core.bench;

import io.tasq.core.internal.actor.Router;
import io.tasq.core.worker.RoutingStrategy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A worker's dispatch: one message routed to one of 4 actors (which count it), per strategy. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouterBenchmark {

    @Param({"ROUND_ROBIN", "RANDOM", "SMALLEST_MAILBOX"})
    RoutingStrategy strategy;

    private final LongAdder handled = new LongAdder();
    private Router<Integer> router;

    @Setup
    public void setUp() {
        router = new Router<>("bench", 4, strategy, m -> handled.increment());
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        router.stop();
        router.awaitStop(5, TimeUnit.SECONDS);
    }

    @Benchmark
    public Object route() {
        return router.route(1);
    }
}
