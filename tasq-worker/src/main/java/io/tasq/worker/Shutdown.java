package io.tasq.worker;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and Ctrl-C for the launcher: the first one stops the workers gracefully and exits 0; a
 * second Ctrl-C (or SIGTERM) while that runs stops the process at once (exit 130).
 *
 * <p>It uses {@code sun.misc.Signal} (module jdk.unsupported) through reflection, which compiles
 * without the "internal proprietary API" warning; where that class is missing it falls back to a
 * shutdown hook, which gives the graceful stop but not the second-signal exit.
 */
final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

    private Shutdown() {
    }

    /** Runs {@code gracefulStop} on the first SIGINT or SIGTERM, then exits 0. */
    static void onSignal(Runnable gracefulStop) {
        AtomicInteger signals = new AtomicInteger();
        Runnable handler = () -> {
            if (signals.incrementAndGet() > 1) {
                LOG.warn("second signal: stopping at once, jobs still running are abandoned");
                Runtime.getRuntime().halt(130);
            }
            Thread stopper = new Thread(() -> {
                gracefulStop.run();
                System.exit(0);
            }, "tq-shutdown");
            stopper.start();
        };
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> signalHandler = Class.forName("sun.misc.SignalHandler");
            Object proxy = Proxy.newProxyInstance(Shutdown.class.getClassLoader(), new Class<?>[] {signalHandler},
                    (p, method, args) -> {
                        if (method.getName().equals("handle")) {
                            handler.run();
                        }
                        return null;
                    });
            Method handle = signal.getMethod("handle", signal, signalHandler);
            for (String name : new String[] {"INT", "TERM"}) {
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), proxy);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("no sun.misc.Signal ({}); stopping through a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gracefulStop.run();
                Runtime.getRuntime().halt(0);
            }, "tq-shutdown"));
        }
    }
}
