package io.tasq.backend.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * A connected socket (plain or TLS) whose input passes through a {@link ReplyGuard}. Jedis lets a
 * socket factory make its sockets but reads from {@link Socket#getInputStream()} itself, so the guard
 * sits in a socket that hands out the guarded stream and leaves everything else to the real one.
 * Only what Jedis calls is delegated. Not thread-safe beyond what {@link Socket} is.
 */
final class GuardedSocket extends Socket {

    /** Makes Jedis's usual sockets for an address and wraps each in a guard made by {@code guards}. */
    static final class Factory extends DefaultJedisSocketFactory {

        private final java.util.function.Supplier<ReplyGuard.Limits> limits;
        private final java.util.function.Consumer<ReplyGuard> made;

        /**
         * @param limits the limits each new connection starts with
         * @param made told of each new connection's guard, to change its limits later (or {@code null})
         */
        Factory(HostAndPort address, JedisClientConfig config, java.util.function.Supplier<ReplyGuard.Limits> limits,
                java.util.function.Consumer<ReplyGuard> made) {
            super(address, config);
            this.limits = limits;
            this.made = made;
        }

        @Override
        public Socket createSocket() {
            Socket s = super.createSocket();
            try {
                ReplyGuard guard = new ReplyGuard(s.getInputStream(), limits.get());
                if (made != null) {
                    made.accept(guard);
                }
                return new GuardedSocket(s, guard);
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a socket that failed anyway
                }
                throw new redis.clients.jedis.exceptions.JedisConnectionException(e);
            }
        }
    }

    private final Socket socket;
    private final ReplyGuard in;

    private GuardedSocket(Socket socket, ReplyGuard in) {
        this.socket = socket;
        this.in = in;
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public synchronized void close() throws IOException {
        socket.close();
    }

    @Override
    public boolean isBound() {
        return socket.isBound();
    }

    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
        return socket.getSoTimeout();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        socket.setSoTimeout(timeout);
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket.getLocalSocketAddress();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket.getRemoteSocketAddress();
    }

    @Override
    public void shutdownInput() throws IOException {
        socket.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
