package io.tasq.core.internal.serial;

import io.tasq.SerializationException;
import io.tasq.spi.ClassFilter;
import io.tasq.spi.Serializer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;
import org.apache.fory.exception.InsecureException;
import org.apache.fory.serializer.LambdaSerializer;

/**
 * Apache Fory in Java mode with reference tracking (so shared and cyclic graphs survive), lambdas
 * included. Reading goes through an instance per (class loader, filter), whose type checker asks
 * the filter before any class is loaded.
 *
 * <p>Thread-safe: each Fory instance is kept per thread by {@link ThreadSafeFory}.
 */
final class ForySerializer implements Serializer {

    static final String NAME = "fory";
    /** Readers kept at most; callers pass long-lived filters (one per worker, one per bundle). */
    private static final int MAX_READERS = 512;

    private final ThreadSafeFory writer;
    private final Map<ReaderKey, ThreadSafeFory> readers = new ConcurrentHashMap<>();
    private final Map<ClassLoader, ThreadSafeFory> writers = new ConcurrentHashMap<>();

    private record ReaderKey(ClassLoader loader, ClassFilter filter) {
    }

    ForySerializer() {
        this.writer = build(ForySerializer.class.getClassLoader(), ClassFilter.ALLOW_ALL);
    }

    private static ThreadSafeFory build(ClassLoader loader, ClassFilter filter) {
        ThreadSafeFory fory = Fory.builder()
                .withLanguage(Language.JAVA)
                .withRefTracking(true)
                .requireClassRegistration(false)
                .suppressClassRegistrationWarnings(true)
                .withTypeChecker((resolver, className) -> filter.allows(className))
                .withClassLoader(loader)
                // Fory's generated serializers for records resolve a class of the same name through the
                // loader they were first made for: a code bundle's loader gets interpreted ones
                .withCodegen(loader == ForySerializer.class.getClassLoader())
                .buildThreadSafeFory();
        // lambdas are read with the capturing class and its $deserializeLambda$ cached (see LambdaReader)
        fory.registerCallback(f -> f.registerSerializer(LambdaSerializer.STUB_LAMBDA_CLASS, LambdaReader::new));
        return fory;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] serialize(Object value) {
        try {
            return writer.serialize(value);
        } catch (RuntimeException | StackOverflowError e) {
            throw new SerializationException("cannot serialize " + describe(value) + ": " + e, e);
        }
    }

    @Override
    public byte[] serialize(Object value, ClassLoader loader) {
        if (loader == ForySerializer.class.getClassLoader()) {
            return serialize(value);
        }
        ThreadSafeFory w = writers.computeIfAbsent(loader, l -> build(l, ClassFilter.ALLOW_ALL));
        try {
            return w.serialize(value);
        } catch (RuntimeException | StackOverflowError e) {
            throw new SerializationException("cannot serialize " + describe(value) + ": " + e, e);
        }
    }

    @Override
    public Object deserialize(byte[] bytes, ClassLoader loader, ClassFilter filter) {
        ReaderKey key = new ReaderKey(loader, filter);
        ThreadSafeFory reader = readers.get(key);
        if (reader == null) {
            if (readers.size() >= MAX_READERS) {
                readers.clear(); // a caller making filters per call: rebuild rather than grow forever
            }
            reader = readers.computeIfAbsent(key, k -> build(k.loader(), k.filter()));
        }
        try {
            return reader.deserialize(bytes);
        } catch (InsecureException e) {
            throw new SerializationException("refused to deserialize: " + e.getMessage() + " (allow it with the "
                    + "worker setting " + ClassPolicy.ALLOW_SETTING + ", or ship it as code)", e);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            throw new SerializationException("cannot deserialize: " + rootMessage(e), e);
        }
    }

    @Override
    public void forget(ClassLoader loader) {
        readers.keySet().removeIf(k -> k.loader() == loader);
        writers.remove(loader);
    }

    private static String describe(Object value) {
        return value == null ? "null" : "a " + value.getClass().getName();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ClassNotFoundException || root instanceof NoClassDefFoundError) {
            return "class " + root.getMessage() + " is not on the reader's classpath (enable code shipping or add "
                    + "the application's jar to the worker)";
        }
        return root == e ? e.toString() : e + " caused by " + root;
    }
}
