package io.tasq.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The echoes' threads: each step repeats until stop, and ends quietly only once stopping has begun. */
class EchoLoopsTest {

    @Test
    void aStepRepeatsUntilStopAndItsDaemonThreadEnds() {
        EchoLoops loops = new EchoLoops();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> thread = new AtomicReference<>();
        loops.start("echo-loops-test", () -> {
            thread.set(Thread.currentThread());
            runs.incrementAndGet();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() > 100);

        loops.stop(5_000);

        assertThat(thread.get().getName()).isEqualTo("echo-loops-test");
        assertThat(thread.get().isDaemon()).isTrue();
        assertThat(thread.get().isAlive()).isFalse();
    }

    @Test
    void aStepThatThrowsWhileRunningEndsItsThreadWithTheException() {
        EchoLoops loops = new EchoLoops();
        AtomicReference<Throwable> uncaught = new AtomicReference<>();
        loops.start("echo-loops-failing", () -> {
            Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.set(e));
            throw new IllegalStateException("broken");
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> uncaught.get() != null);
        loops.stop(5_000);

        assertThat(uncaught.get()).isInstanceOf(IllegalStateException.class).hasMessage("broken");
    }

    @Test
    void aStepThatThrowsOnceStoppingHasBegunEndsItsThreadQuietly() throws Exception {
        EchoLoops loops = new EchoLoops();
        AtomicReference<Throwable> uncaught = new AtomicReference<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        loops.start("echo-loops-closing", () -> {
            thread.set(Thread.currentThread());
            Thread.currentThread().setUncaughtExceptionHandler((t, e) -> uncaught.set(e));
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("socket closed");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null);
        // stop() clears the running flag before it joins: once the stopper waits in join, the step's
        // exception comes after stopping began, as a closing socket's does
        Thread stopper = new Thread(() -> loops.stop(10_000));
        stopper.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> stopper.getState() == Thread.State.TIMED_WAITING);

        closed.countDown();
        stopper.join(10_000);

        assertThat(thread.get().isAlive()).isFalse();
        assertThat(uncaught.get()).isNull();
    }
}
