package com.example.shiptest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.core.internal.wire.InvalidEnvelopeException;
import io.tasq.Job;
import io.tasq.SignatureVerificationException;
import io.tasq.Task1;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.core.internal.shipping.Bundle;
import io.tasq.core.internal.shipping.BundleCache;
import io.tasq.core.internal.shipping.CodeShipper;
import io.tasq.internal.Call1;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Code shipping from the client's bundle to the worker's loader; in a non-Tasq package, as applications are. */
class CodeShippingTest {

    private final Serializer fory = Providers.serializer("fory").create(Settings.empty());

    @Test
    void theClientFindsTheCapturingClassItsNestedClassesAndWhatItsCodeUses() {
        Task1<Integer, Integer> f = n -> Helpers.square(n) + 1;
        Bundle b = new CodeShipper(Settings.empty()).bundleFor(new Call1<>(f, 3));
        assertThat(b).isNotNull();
        // the capturing class (this test), a class its code uses, and nothing from the JDK, Tasq or jars
        assertThat(b.classes()).containsKeys(getClass().getName(), Helpers.class.getName())
                .allSatisfy((name, bytes) -> assertThat(name).doesNotStartWith("java.").doesNotStartWith("io.tasq.core.")
                        .doesNotStartWith("org.assertj"));
        // the same kind of job gives the same bundle, read from the cache
        assertThat(new CodeShipper(Settings.empty()).bundleFor(new Call1<>(f, 4)).hash()).isEqualTo(b.hash());
    }

    @Test
    void excludedClassesAndAClientWithShippingOffShipNothing() {
        Task1<Integer, Integer> f = n -> Helpers.square(n);
        assertThat(new CodeShipper(Settings.of(Map.of("ship.code", "false"), "t")).bundleFor(new Call1<>(f, 1))).isNull();
        Bundle b = new CodeShipper(Settings.of(Map.of("ship.exclude", Helpers.class.getName()), "t"))
                .bundleFor(new Call1<>(f, 1));
        assertThat(b.classes()).doesNotContainKey(Helpers.class.getName());
    }

    @Test
    void aShippedJobRunsInItsOwnLoaderAndTheLoaderIsFreedOnceEvicted() throws Exception {
        Task1<Integer, Integer> f = n -> Helpers.square(n);
        Call1<Integer, Integer> job = new Call1<>(f, 7);
        Bundle b = new CodeShipper(Settings.empty()).bundleFor(job);
        byte[] payload = fory.serialize(job);
        BundleCache cache = new BundleCache(getClass().getClassLoader(), ClassPolicy.of(List.of()), 1,
                Duration.ofHours(1), Clock.systemUTC(), 1 << 24, fory::forget);
        WeakReference<ClassLoader> first = runIn(cache, b, payload);
        // a second, different bundle pushes the first one out of a cache of one
        Bundle other = Bundle.of(Map.of("com.example.Other", readClass(Helpers.class)));
        cache.load(other.hash(), other.wire());
        assertThat(cache.size()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return first.get() == null;
        });
    }

    private WeakReference<ClassLoader> runIn(BundleCache cache, Bundle b, byte[] payload) throws Exception {
        BundleCache.Loaded loaded = cache.load(b.hash(), b.wire());
        Object job = fory.deserialize(payload, loaded.loader(), loaded.filter());
        assertThat(job.getClass().getClassLoader()).isSameAs(getClass().getClassLoader()); // Call1 is Tasq's
        assertThat(((Job<?>) job).call()).isEqualTo(49);
        byte[] result = fory.serialize(new Helpers.Box(((Job<?>) job).call()), loaded.loader());
        assertThat(result).isNotEmpty();
        return new WeakReference<>(loaded.loader());
    }

    @Test
    void aBundleThatDoesNotMatchItsSignedHashOrHoldsProtectedClassesIsRefused() {
        BundleCache cache = new BundleCache(getClass().getClassLoader(), ClassPolicy.of(List.of()), 8,
                Duration.ofHours(1), Clock.systemUTC(), 1 << 24, l -> { });
        Bundle b = Bundle.of(Map.of("com.example.A", new byte[] {1}));
        byte[] wire = b.wire().clone();
        wire[wire.length - 1] ^= 1;
        assertThatThrownBy(() -> cache.load(b.hash(), wire)).isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("does not match its signed hash");
        Bundle sneaky = Bundle.of(Map.of("io.tasq.core.worker.Worker", new byte[] {1}));
        assertThatThrownBy(() -> cache.load(sneaky.hash(), sneaky.wire())).isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("may not replace");
    }

    @Test
    void randomAndMutatedBundlesNeverCrashHangOrOverAllocate() {
        Random random = new Random(11);
        byte[] good = Bundle.of(Map.of("a.B", new byte[300], "a.C", new byte[200])).wire();
        for (int round = 0; round < 5_000; round++) {
            byte[] input;
            if (round % 2 == 0) {
                input = new byte[random.nextInt(300)];
                random.nextBytes(input);
            } else {
                input = good.clone();
                input[random.nextInt(input.length)] ^= (byte) (1 + random.nextInt(255));
            }
            try {
                Bundle.read(input, 4096);
            } catch (InvalidEnvelopeException expected) {
                // refused cleanly
            }
        }
        byte[] bomb = Bundle.of(Map.of("a.Zeros", new byte[10 << 20])).wire();
        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> Bundle.read(bomb, 1 << 20)).hasMessageContaining("beyond the limit");
    }

    private static byte[] readClass(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }
}
