package io.tasq.core.internal.shipping;

import io.tasq.SerializationException;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The client side of code shipping: finds the class files a job needs that a worker may lack, and
 * bundles them.
 *
 * <p>Starting from the job's roots ({@link Roots}: the job's class, its lambdas' capturing and
 * implementation classes, the classes of the values it carries), it follows every class the class
 * files refer to (ASM reads the constant pool, descriptors, signatures, nested classes), but only
 * within the code sources (jars or class directories) the roots come from: the application's own
 * code, not the libraries it calls, which the worker must have on its class path. JDK and Tasq
 * classes are never shipped, nor classes matching {@code ship.exclude}.
 *
 * <p>Bundles are cached by their set of root classes, so the class files of a kind of job are read
 * once. Thread-safe.
 */
public final class CodeShipper {

    /** Whether clients ship code (default true). */
    public static final String ENABLED_SETTING = "ship.code";
    /** Classes never shipped, as patterns like {@code com.acme.*} or {@code com.acme.**}. */
    public static final String EXCLUDE_SETTING = "ship.exclude";
    /** The largest bundle a client sends, in bytes before deflating. */
    public static final String MAX_BYTES_SETTING = "ship.max-bytes";

    private static final int MAX_CACHED = 1024;

    private final boolean enabled;
    private final ClassPolicy exclude;
    private final boolean excludeAny;
    private final long maxBytes;
    private final Map<List<Class<?>>, Bundle> cache = new ConcurrentHashMap<>();

    /** Configured by {@code ship.*} settings. */
    public CodeShipper(Settings settings) {
        this.enabled = settings.getBoolean(ENABLED_SETTING, true);
        String excluded = settings.get(EXCLUDE_SETTING, "");
        this.exclude = ClassPolicy.parse(excluded);
        this.excludeAny = !excluded.isBlank();
        this.maxBytes = settings.getInt(MAX_BYTES_SETTING, 16 << 20, 1024, Integer.MAX_VALUE);
    }

    /** Whether this client ships code at all. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The bundle for a job, or {@code null} when it needs no application class or shipping is off.
     *
     * @throws SerializationException if the bundle would exceed {@code ship.max-bytes}
     */
    public Bundle bundleFor(Object job) {
        if (!enabled) {
            return null;
        }
        List<Class<?>> roots = new ArrayList<>(Roots.of(job));
        roots.removeIf(c -> excluded(c.getName()));
        if (roots.isEmpty()) {
            return null;
        }
        roots.sort(Comparator.comparing(Class::getName));
        Bundle b = cache.get(roots);
        if (b == null) {
            b = build(roots);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(List.copyOf(roots), b);
        }
        return b;
    }

    private boolean excluded(String className) {
        return excludeAny && exclude.allowsExplicitly(className);
    }

    private Bundle build(List<Class<?>> roots) {
        Set<String> sources = new HashSet<>();
        ArrayDeque<Pending> queue = new ArrayDeque<>();
        for (Class<?> c : roots) {
            ClassLoader loader = loaderOf(c);
            String source = sourceOf(loader, internal(c.getName()));
            if (source != null) {
                sources.add(source);
                queue.add(new Pending(internal(c.getName()), loader));
            }
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        Set<String> visited = new HashSet<>();
        long total = 0;
        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            if (!visited.add(p.internalName())) {
                continue;
            }
            String name = p.internalName().replace('/', '.');
            if (Packages.neverShipped(name) || excluded(name)) {
                continue;
            }
            String source = sourceOf(p.loader(), p.internalName());
            if (source == null || !sources.contains(source)) {
                continue; // a library's class, or one the loader cannot see: the worker must have it
            }
            byte[] bytes = read(p.loader(), p.internalName());
            if (bytes == null) {
                continue;
            }
            total += bytes.length;
            if (total > maxBytes) {
                throw new SerializationException("the code this job needs is over " + maxBytes + " bytes (setting "
                        + MAX_BYTES_SETTING + "); put large libraries on the workers' class path (TASQ_CLASSPATH) "
                        + "and leave them out with " + EXCLUDE_SETTING);
            }
            classes.put(name, bytes);
            for (String ref : references(bytes)) {
                if (!visited.contains(ref)) {
                    queue.add(new Pending(ref, p.loader()));
                }
            }
        }
        return classes.isEmpty() ? null : Bundle.of(classes);
    }

    private record Pending(String internalName, ClassLoader loader) {
    }

    /** Every class a class file names: supertypes, fields, methods, instructions, signatures, nested classes. */
    static Set<String> references(byte[] classFile) {
        Set<String> names = new HashSet<>();
        Remapper collector = new Remapper() {
            @Override
            public String map(String internalName) {
                if (internalName != null && !internalName.startsWith("[")) {
                    names.add(internalName);
                }
                return internalName;
            }
        };
        new ClassReader(classFile).accept(new ClassRemapper(new ClassWriter(0), collector), 0);
        return names;
    }

    private static ClassLoader loaderOf(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }

    private static String internal(String binaryName) {
        return binaryName.replace('.', '/');
    }

    /** The jar or directory a class file comes from, as a URL prefix. */
    private static String sourceOf(ClassLoader loader, String internalName) {
        URL url = loader.getResource(internalName + ".class");
        if (url == null) {
            return null;
        }
        String s = url.toExternalForm();
        return s.substring(0, s.length() - internalName.length() - ".class".length());
    }

    private static byte[] read(ClassLoader loader, String internalName) {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new SerializationException("cannot read the class file of " + internalName.replace('/', '.')
                    + " to ship it: " + e.getMessage(), e);
        }
    }
}
