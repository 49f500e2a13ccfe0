package io.tasq.worker;

import picocli.CommandLine;

/** Reads the version from the jar's manifest. */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Tq.class.getPackage().getImplementationVersion();
        return new String[] {"tq (Tasq for Java) " + (v == null ? "development build" : v),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
