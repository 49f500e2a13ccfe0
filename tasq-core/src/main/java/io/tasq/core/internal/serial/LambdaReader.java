package io.tasq.core.internal.serial;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import org.apache.fory.context.ReadContext;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.platform.internal._JDKAccess;
import org.apache.fory.resolver.TypeResolver;
import org.apache.fory.serializer.LambdaSerializer;

/**
 * Fory's lambda serializer with a cheaper read: the same wire form (so any writer's bytes are read),
 * but the capturing class and its {@code $deserializeLambda$} handle are looked up once per class
 * instead of per job. Fory's own read resolves the capturing class through the type resolver and
 * the JDK's {@code SerializedLambda.readResolve} finds {@code $deserializeLambda$} by reflection
 * every time, which JMH showed as the largest cost of reading a job.
 *
 * <p>The capturing class still goes through the reader's type checker (the class filter) the first
 * time this serializer sees its name; a name the filter refuses is never cached.
 */
final class LambdaReader extends LambdaSerializer {

    /** {@code $deserializeLambda$} of each capturing class, as (SerializedLambda)Object. */
    private static final ClassValue<MethodHandle> DESERIALIZE = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            MethodType type0 = MethodType.methodType(Object.class, SerializedLambda.class);
            try {
                Method m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
                try {
                    m.setAccessible(true);
                    return MethodHandles.lookup().unreflect(m).asType(type0);
                } catch (RuntimeException | IllegalAccessException notOpen) {
                    // a named module that does not open the package to Tasq: the JDK reaches it from
                    // java.base; Fory's trusted lookup (the one it uses for every private member) does too
                    return _JDKAccess._trustedLookup(type).findStatic(type, "$deserializeLambda$", type0);
                }
            } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
                return null;
            }
        }
    };

    private final TypeResolver resolver;
    /** The last capturing class read, by its name as written: a worker reads the same few lambdas. */
    private String lastName;
    private Class<?> lastClass;

    LambdaReader(TypeResolver resolver) {
        super(resolver, LambdaSerializer.STUB_LAMBDA_CLASS);
        this.resolver = resolver;
    }

    @Override
    public Object read(ReadContext context) {
        MemoryBuffer buffer = context.getBuffer();
        String capturingClass = context.readStringRef();
        String functionalInterfaceClass = context.readStringRef();
        String functionalInterfaceMethodName = context.readStringRef();
        String functionalInterfaceMethodSignature = context.readStringRef();
        String implClass = context.readStringRef();
        String implMethodName = context.readStringRef();
        String implMethodSignature = context.readStringRef();
        int implMethodKind = buffer.readVarInt32();
        String instantiatedMethodType = context.readStringRef();
        int count = buffer.readVarUInt32Small7();
        if (count < 0) {
            throw new IllegalStateException("invalid captured argument count " + count);
        }
        buffer.checkReadableBytes(count);
        Object[] captured = new Object[count];
        for (int i = 0; i < count; i++) {
            captured[i] = context.readRef();
        }
        Class<?> capturing = capturingClass(capturingClass);
        SerializedLambda lambda = new SerializedLambda(capturing, functionalInterfaceClass,
                functionalInterfaceMethodName, functionalInterfaceMethodSignature, implMethodKind, implClass,
                implMethodName, implMethodSignature, instantiatedMethodType, captured);
        MethodHandle deserialize = DESERIALIZE.get(capturing);
        if (deserialize == null) {
            throw new IllegalStateException("class " + capturing.getName() + " has no reachable $deserializeLambda$ "
                    + "to make its lambda " + implMethodName + " (is it the class that wrote the lambda?)");
        }
        try {
            return (Object) deserialize.invokeExact(lambda);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot make lambda " + implMethodName + " of " + capturing.getName() + ": " + e, e);
        }
    }

    private Class<?> capturingClass(String written) {
        if (written.equals(lastName)) {
            return lastClass;
        }
        Class<?> c = resolver.loadClass(written.replace('/', '.'));
        resolver.checkClassForDeserialization(c);
        lastName = written;
        lastClass = c;
        return c;
    }

}
