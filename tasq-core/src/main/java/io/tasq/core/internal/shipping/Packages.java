package io.tasq.core.internal.shipping;

/**
 * Which classes are never shipped: the JDK's (every worker has them) and Tasq's own (every worker
 * has the same version). Stateless.
 */
final class Packages {

    private static final String[] JDK = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.", "org.xml.",
        "org.ietf.", "org.omg."};
    private static final String[] TASQ = {"io.tasq.internal.", "io.tasq.spi.", "io.tasq.core.", "io.tasq.backend.",
        "io.tasq.worker."};

    private Packages() {
    }

    /** Whether a class of this binary name belongs to the JDK or to Tasq itself. */
    static boolean neverShipped(String className) {
        for (String p : JDK) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        for (String p : TASQ) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        // the API's own types sit directly in io.tasq; applications may use io.tasq.* subpackages
        return className.startsWith("io.tasq.") && className.indexOf('.', "io.tasq.".length()) < 0;
    }
}
