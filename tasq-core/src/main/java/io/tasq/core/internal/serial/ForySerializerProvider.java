package io.tasq.core.internal.serial;

import com.google.auto.service.AutoService;
import io.tasq.spi.Serializer;
import io.tasq.spi.SerializerProvider;
import io.tasq.spi.Settings;

/** Provides the default serializer, {@code fory}: Apache Fory in Java mode. Stateless. */
@AutoService(SerializerProvider.class)
public final class ForySerializerProvider implements SerializerProvider {

    @Override
    public String name() {
        return ForySerializer.NAME;
    }

    @Override
    public Serializer create(Settings settings) {
        return new ForySerializer();
    }
}
