package io.tasq.core.shipping;

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
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    visit(f.get(o));
                } catch (InaccessibleObjectException | IllegalAccessException e) {
                    // a field of a module that does not open it: its class is still a root
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
        SerializedLambda sl = serializedForm(o, c);
        if (sl == null) {
            return; // not a serializable lambda; serializing it will fail with a clear error anyway
        }
        ClassLoader loader = c.getClassLoader();
        load(sl.getCapturingClass(), loader);
        load(sl.getImplClass(), loader);
        List<Object> captured = new ArrayList<>();
        for (int i = 0; i < sl.getCapturedArgCount(); i++) {
            captured.add(sl.getCapturedArg(i));
        }
        captured.forEach(this::visit);
    }

    private static SerializedLambda serializedForm(Object o, Class<?> c) {
        try {
            Method writeReplace = c.getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            Object replaced = writeReplace.invoke(o);
            return replaced instanceof SerializedLambda sl ? sl : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private void load(String internalName, ClassLoader loader) {
        String name = internalName.replace('/', '.');
        if (Packages.neverShipped(name)) {
            return;
        }
        try {
            add(Class.forName(name, false, loader));
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
