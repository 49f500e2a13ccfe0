package io.tasq.core.internal.shipping;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;

/**
 * Defines the classes of one code bundle, child-first: a class the bundle holds is always the
 * bundle's version (so two clients shipping different versions of a class each get their own),
 * everything else comes from the worker's own class loader. Classes are defined on first use.
 *
 * <p>Thread-safe (parallel capable).
 */
final class BundleClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    BundleClassLoader(String name, ClassLoader parent, Map<String, byte[]> classes) {
        super(name, parent);
        this.classes = classes;
    }

    boolean holds(String className) {
        return classes.containsKey(className);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        if (name.endsWith(".class")) {
            byte[] bytes = classes.get(name.substring(0, name.length() - 6).replace('/', '.'));
            if (bytes != null) {
                return new ByteArrayInputStream(bytes);
            }
        }
        return super.getResourceAsStream(name);
    }
}
