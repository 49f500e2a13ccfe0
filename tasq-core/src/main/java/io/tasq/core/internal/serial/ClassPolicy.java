package io.tasq.core.internal.serial;

import io.tasq.spi.ClassFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.fory.resolver.DefaultJdkClassAllowList;

/**
 * Which classes a worker may deserialize: the JDK's value types, Tasq's own types, and what the
 * operator allows (setting {@code worker.allow-classes}: exact names, {@code com.acme.*} for one
 * package, {@code com.acme.**} for a package and its subpackages, {@code **} for everything).
 * Classes shipped in a job's signed bundle are added per job by the caller.
 *
 * <p>Fory's own list of known gadget classes is refused whatever this policy says. Immutable and
 * thread-safe.
 */
public final class ClassPolicy implements ClassFilter {

    /** The setting with the operator's extra allowed classes, comma separated. */
    public static final String ALLOW_SETTING = "worker.allow-classes";

    private static final Set<String> JDK = jdkValueTypes();

    private final Set<String> exact;
    private final List<String> packages;
    private final List<String> trees;
    private final boolean all;

    private ClassPolicy(Set<String> exact, List<String> packages, List<String> trees, boolean all) {
        this.exact = exact;
        this.packages = packages;
        this.trees = trees;
        this.all = all;
    }

    /** The JDK value types, Tasq's types, and the given patterns. */
    public static ClassPolicy of(List<String> patterns) {
        Set<String> exact = new HashSet<>();
        List<String> packages = new ArrayList<>();
        List<String> trees = new ArrayList<>();
        boolean all = false;
        for (String raw : patterns) {
            String p = raw.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("**") || p.equals("*")) {
                all = true;
            } else if (p.endsWith(".**")) {
                trees.add(p.substring(0, p.length() - 2));
            } else if (p.endsWith(".*")) {
                packages.add(p.substring(0, p.length() - 1));
            } else {
                exact.add(p);
            }
        }
        return new ClassPolicy(Set.copyOf(exact), List.copyOf(packages), List.copyOf(trees), all);
    }

    /** Parses the comma-separated value of {@value #ALLOW_SETTING}. */
    public static ClassPolicy parse(String commaSeparated) {
        return of(List.of(commaSeparated.split(",")));
    }

    /** The operator's patterns, comma separated, as {@link #parse} reads them. */
    public String patterns() {
        List<String> all = new ArrayList<>(exact);
        packages.forEach(p -> all.add(p + "*"));
        trees.forEach(t -> all.add(t + "**"));
        if (this.all) {
            all.add("**");
        }
        return String.join(",", all);
    }

    /** Whether this policy lets everything through (the operator wrote {@code **}). */
    public boolean allowsAll() {
        return all;
    }

    @Override
    public boolean allows(String className) {
        String name = componentType(className);
        if (name == null || all) {
            return true; // primitive arrays, or everything allowed
        }
        if (JDK.contains(name) || isTasq(name) || exact.contains(name)) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        String pkg = dot < 0 ? "" : name.substring(0, dot + 1);
        if (packages.contains(pkg)) {
            return true;
        }
        for (String t : trees) {
            if (name.startsWith(t)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a pattern of this policy names the class (ignoring the JDK and Tasq types it always allows). */
    public boolean allowsExplicitly(String className) {
        String name = componentType(className);
        if (name == null) {
            return false;
        }
        if (all || exact.contains(name)) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        if (packages.contains(dot < 0 ? "" : name.substring(0, dot + 1))) {
            return true;
        }
        return trees.stream().anyMatch(name::startsWith);
    }

    private static boolean isTasq(String name) {
        // the API's value types and the internal job wrappers; not the whole io.tasq tree, which
        // holds applications' examples and tests too
        return (name.startsWith("io.tasq.") && name.indexOf('.', "io.tasq.".length()) < 0)
                || name.startsWith("io.tasq.internal.");
    }

    /** The element class of an array type name, the name itself otherwise, {@code null} for primitives. */
    private static String componentType(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '[') {
            i++;
        }
        if (i == 0) {
            return name;
        }
        if (name.charAt(i) == 'L' && name.endsWith(";")) {
            return name.substring(i + 1, name.length() - 1);
        }
        return null;
    }

    private static Set<String> jdkValueTypes() {
        Set<String> s = new HashSet<>(DefaultJdkClassAllowList.getAllowClasses());
        // a lambda travels as a SerializedLambda; the JDK list leaves it out because it is not a value
        s.add("java.lang.invoke.SerializedLambda");
        return Set.copyOf(s);
    }

    @Override
    public String toString() {
        return all ? "ClassPolicy{**}" : "ClassPolicy{jdk, tasq, exact=" + exact + ", packages=" + packages
                + ", trees=" + trees + "}";
    }
}
