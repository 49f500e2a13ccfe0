package com.example.shiptest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.Job;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.core.internal.shipping.Bundle;
import io.tasq.core.internal.shipping.BundleCache;
import io.tasq.core.internal.shipping.CodeShipper;
import io.tasq.internal.Call1;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker that has a class on its own class path and receives it in a bundle runs the bundle's. */
class SameNameTest {

    record Money(double amount) implements java.io.Serializable {
        Money doubled() {
            return new Money(amount * 2);
        }
    }

    @Test
    void recordsOfTheBundleAreReadAsTheBundlesEvenWhenTheWorkerHasTheClass() throws Exception {
        Serializer fory = Providers.serializer("fory").create(Settings.empty());
        Call1<Money, Money> job = new Call1<>(Money::doubled, new Money(2));
        byte[] payload = fory.serialize(job); // the writer has generated code for the class-path Money
        Bundle b = new CodeShipper(Settings.empty()).bundleFor(job);
        BundleCache cache = new BundleCache(getClass().getClassLoader(), ClassPolicy.of(List.of()), 4,
                Duration.ofHours(1), Clock.systemUTC(), 1 << 24, l -> { });
        BundleCache.Loaded loaded = cache.load(b.hash(), b.wire());
        Call1<?, ?> back = (Call1<?, ?>) fory.deserialize(payload, loaded.loader(), loaded.filter());
        assertThat(back.a().getClass().getClassLoader()).isSameAs(loaded.loader());
        Object result = ((Job<?>) back).call();
        assertThat(result.getClass().getClassLoader()).isSameAs(loaded.loader());
        assertThat(fory.deserialize(fory.serialize(result, loaded.loader()), loaded.loader(), loaded.filter()))
                .hasToString("Money[amount=4.0]");
    }
}
