package io.tasq.core.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free loopback ports for tests. */
public final class Ports {

    private Ports() {
    }

    /** A port that was free a moment ago, whose next port is free too (ZMQ uses both). */
    public static int freePair() {
        for (int tries = 0; tries < 50; tries++) {
            int p = free();
            if (p < 65535 && isFree(p + 1)) {
                return p;
            }
        }
        throw new IllegalStateException("no pair of free ports found");
    }

    /** A port that was free a moment ago. */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
