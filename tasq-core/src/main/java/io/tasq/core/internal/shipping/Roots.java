package io.tasq.core.internal.shipping;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the application classes a job object holds: the job's own class, the capturing and
 * implementation classes of the lambdas in it, and the classes of the values it carries (captured
 * and bound arguments, their fields, the elements of their collections). These are the roots from
 * which {@link CodeShipper} follows class-file references.
 *
 * <p>The walk is bounded: at most {@value #MAX_OBJECTS} objects, and the first
 * {@value #MAX_ELEMENTS} elements of each collection, map or array (their classes are usually the
 * same throughout). Not thread-safe: one instance per walk.
 */
final class Roots {

    private static final int MAX_OBJECTS = 10_000;
    private static final int MAX_ELEMENTS = 64;

    private final Set<Class<?>> classes = new LinkedHashSet<>();
    private final Map<Object, Boolean> seen = new IdentityHashMap<>();

    private Roots() {
    }

    /** The application classes reachable from {@code job}'s object graph, in discovery order. */
    static Set<Class<?>> of(Object job) {
        Roots r = new Roots();
        r.visit(job);
        return r.classes;
    }

    private void visit(Object o) {
        if (o == null || seen.size() >= MAX_OBJECTS || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        Class<?> c = o.getClass();
        if (c.isHidden()) {
            lambda(o, c);
            return;
        }
        if (c.isArray()) {
            if (!c.getComponentType().isPrimitive()) {
                add(c.getComponentType());
                int n = Math.min(Array.getLength(o), MAX_ELEMENTS);
                for (int i = 0; i < n; i++) {
                    visit(Array.get(o, i));
                }
            }
            return;
        }
        if (isJdk(c)) {
            if (o instanceof Collection<?> coll) {
                elements(coll.iterator());
            } else if (o instanceof Map<?, ?> map) {
                elements(map.keySet().iterator());
                elements(map.values().iterator());
            }
            return;
        }
        add(c);
        for (Class<?> k = c; k != null && !isJdk(k); k = k.getSuperclass()) {
            for (Field f : FIELDS.get(k)) {
                try {
                    visit(f.get(o));
                } catch (IllegalAccessException e) {
                    // made accessible when the plan was built; cannot happen
                }
            }
        }
    }

    private void elements(Iterator<?> it) {
        for (int i = 0; i < MAX_ELEMENTS && it.hasNext(); i++) {
            try {
                visit(it.next());
            } catch (RuntimeException e) {
                return; // a concurrent modification or a lazy collection that fails: enough
            }
        }
    }

    private void lambda(Object o, Class<?> c) {
        LambdaPlan plan = LAMBDAS.get(c);
        if (plan.writeReplace == null) {
            return; // not a serializable lambda; serializing it will fail with a clear error anyway
        }
        List<Class<?>> roots = plan.roots;
        if (roots != null && plan.captures == 0) {
            roots.forEach(this::add); // nothing captured: the same roots for every instance, no reflection
            return;
        }
        SerializedLambda sl;
        try {
            sl = (SerializedLambda) (Object) plan.writeReplace.invokeExact(o);
        } catch (Throwable e) {
            return;
        }
        if (roots == null) {
            Set<Class<?>> found = new LinkedHashSet<>();
            load(sl.getCapturingClass(), c.getClassLoader(), found);
            load(sl.getImplClass(), c.getClassLoader(), found);
            roots = List.copyOf(found);
            plan.roots = roots; // a race computes the same list
        }
        roots.forEach(this::add);
        List<Object> captured = new ArrayList<>();
        for (int i = 0; i < sl.getCapturedArgCount(); i++) {
            captured.add(sl.getCapturedArg(i));
        }
        captured.forEach(this::visit);
    }

    /**
     * What every instance of a lambda class has in common, found once per class instead of per job
     * (reflection on the hidden class was most of the walk's cost): its {@code writeReplace}, how
     * many values it captures, and its capturing and implementation classes (from the first instance).
     */
    private static final class LambdaPlan {
        final MethodHandle writeReplace;
        final int captures;
        volatile List<Class<?>> roots;

        LambdaPlan(MethodHandle writeReplace, int captures) {
            this.writeReplace = writeReplace;
            this.captures = captures;
        }
    }

    private static final ClassValue<LambdaPlan> LAMBDAS = new ClassValue<>() {
        @Override
        protected LambdaPlan computeValue(Class<?> c) {
            int captures = 0;
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    captures++;
                }
            }
            try {
                Method m = c.getDeclaredMethod("writeReplace");
                m.setAccessible(true);
                MethodHandle h = MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(Object.class,
                        Object.class));
                return new LambdaPlan(h, captures);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new LambdaPlan(null, captures);
            }
        }
    };

    /** Each non-static reference field of a class, made accessible once. */
    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> k) {
            List<Field> fields = new ArrayList<>();
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive() || leaf(f.getType())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    fields.add(f);
                } catch (InaccessibleObjectException e) {
                    // a field of a module that does not open it: its class is still a root
                }
            }
            return List.copyOf(fields);
        }
    };

    /** A type whose values never lead to an application class: final JDK value types and primitive arrays. */
    private static boolean leaf(Class<?> type) {
        if (type.isArray()) {
            return type.getComponentType().isPrimitive();
        }
        return Modifier.isFinal(type.getModifiers()) && type.getClassLoader() == null
                && (type == String.class || Number.class.isAssignableFrom(type) || type == Boolean.class
                        || type == Character.class || type.isEnum() || type.getName().startsWith("java.time."));
    }

    private static void load(String internalName, ClassLoader loader, Set<Class<?>> into) {
        String name = internalName.replace('/', '.');
        if (Packages.neverShipped(name)) {
            return;
        }
        try {
            into.add(Class.forName(name, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            // not visible from the lambda's loader: nothing we can ship
        }
    }

    private void add(Class<?> c) {
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (!c.isPrimitive() && !c.isHidden() && !isJdk(c) && !Packages.neverShipped(c.getName())) {
            classes.add(c);
        }
    }

    private static boolean isJdk(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l == null || l == ClassLoader.getPlatformClassLoader() || Packages.neverShipped(c.getName())
                && c.getName().startsWith("java");
    }
}
