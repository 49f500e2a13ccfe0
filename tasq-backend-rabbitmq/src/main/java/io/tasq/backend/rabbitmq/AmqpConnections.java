package io.tasq.backend.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.TasqException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Opens connections to the broker with automatic recovery, and turns the ways that can fail into
 * errors that say what was wrong: the address, the credentials, the vhost, TLS. Stateless.
 */
final class AmqpConnections {

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** The largest frame asked for: RabbitMQ's default, so that a broker set to larger frames does not make us buffer them. */
    static final int FRAME_MAX = 128 * 1024;

    private AmqpConnections() {
    }

    /**
     * A connection named {@code name} (as the broker lists it), which reconnects by itself and
     * declares again the queues and consumers it had, except delay queues (declared again when next
     * used; they may well have expired meanwhile) and the dead-letter queues (declared on channels of
     * their own, see {@link Topology#declareJobQueues}). A message body larger than
     * {@link RabbitMqSettings#maxMessageBytes()} is cut before it is buffered ({@link SizeLimitedFrames}).
     *
     * @throws BackendUnavailableException if the broker cannot be reached
     * @throws ConfigurationException if it refuses the user, password or vhost
     */
    static Connection open(RabbitMqSettings s, String name) {
        long limit = s.maxMessageBytes();
        ConnectionFactory f = new ConnectionFactory() {
            @Override
            protected synchronized FrameHandlerFactory createFrameHandlerFactory() throws IOException {
                return SizeLimitedFrames.wrap(super.createFrameHandlerFactory(), limit);
            }
        };
        f.setUsername(s.user());
        f.setPassword(s.password());
        f.setVirtualHost(s.vhost());
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return Topology.recoveredByTheClient(s, queue.getName());
            }
        });
        f.setNetworkRecoveryInterval(s.recoveryInterval().toMillis());
        f.setRequestedHeartbeat((int) s.heartbeat().toSeconds());
        f.setConnectionTimeout((int) s.connectTimeout().toMillis());
        f.setHandshakeTimeout((int) s.connectTimeout().toMillis());
        // frames of at most 128 KiB (RabbitMQ's default): the library reads a whole frame before anything else
        f.setRequestedFrameMax(FRAME_MAX);
        // SizeLimitedFrames cuts larger messages first; this is the library's own check behind it. It bounds frames
        // too, so it is never set below the frame size: a message smaller than a frame would close the connection
        f.setMaxInboundMessageBodySize((int) Math.min(Integer.MAX_VALUE, Math.max(limit, FRAME_MAX)));
        f.setThreadFactory(daemonThreads(name));
        if (s.tls()) {
            try {
                // the JVM's trust store, and the certificate must name the host: no silent trust-all
                f.useSslProtocol(SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new ConfigurationException("amqps: this JVM has no default TLS context: " + e.getMessage(), e);
            }
            f.enableHostnameVerification();
        }
        List<Address> addresses = s.hosts().stream().map(h -> new Address(h.host(), h.port())).toList();
        try {
            return f.newConnection(addresses, name);
        } catch (IOException e) {
            throw translate(s, e);
        } catch (TimeoutException e) {
            throw new BackendUnavailableException("RabbitMQ at " + s.addresses() + " did not complete the AMQP "
                    + "handshake within " + s.connectTimeout().toMillis() + " ms (connect-timeout)", e);
        }
    }

    private static TasqException translate(RabbitMqSettings s, IOException e) {
        String at = "RabbitMQ at " + s.addresses();
        if (e instanceof PossibleAuthenticationFailureException) {
            return new ConfigurationException(at + " refused to log in user '" + s.user() + "': wrong user name or "
                    + "password (" + e.getMessage() + ")", e);
        }
        ShutdownSignalException shutdown = shutdownCause(e);
        if (shutdown != null && shutdown.getReason() instanceof AMQP.Connection.Close close) {
            if (close.getReplyCode() == AMQP.NOT_ALLOWED || close.getReplyCode() == AMQP.ACCESS_REFUSED) {
                return new ConfigurationException(at + " refused user '" + s.user() + "' access to vhost '" + s.vhost()
                        + "': the vhost does not exist or the user has no permission there (" + close.getReplyText()
                        + ")", e);
            }
            return new BackendUnavailableException(at + " closed the connection: " + close.getReplyText(), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return new BackendUnavailableException("cannot reach " + at + ": " + t.getMessage()
                        + "; is the broker running and listening there?", e);
            }
            if (t instanceof UnknownHostException) {
                return new BackendUnavailableException("cannot reach " + at + ": unknown host " + t.getMessage(), e);
            }
            if (t instanceof SocketTimeoutException) {
                return new BackendUnavailableException("no answer from " + at + " within "
                        + s.connectTimeout().toMillis() + " ms (connect-timeout)", e);
            }
            if (t instanceof SSLException) {
                return new BackendUnavailableException("TLS with " + at + " failed: " + t.getMessage() + " (does that "
                        + "port speak TLS? amqps:// uses port 5671 unless the URL says otherwise)", e);
            }
        }
        return new BackendUnavailableException("cannot connect to " + at + ": " + e, e);
    }

    /** The broker's reason a call failed, if the failure was the broker closing a channel or the connection. */
    static ShutdownSignalException shutdownCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s) {
                return s;
            }
        }
        return null;
    }

    /** Closes a connection, or aborts it if it cannot be closed cleanly (the broker is away); never throws. */
    static void quietlyClose(Connection c) {
        if (c != null) {
            try {
                c.close(2_000);
            } catch (IOException | ShutdownSignalException e) {
                c.abort(1_000);
            }
        }
    }

    /** Unregisters a channel the broker closed, so that a later reconnection does not bring it back. */
    static void forget(Channel ch) {
        try {
            ch.close();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // it is closed already; closing it again only unregisters it from recovery
        }
    }

    /** Daemon threads, so that a client someone forgot to close does not keep the JVM alive. */
    private static ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, "tasq-amqp-" + THREADS.incrementAndGet() + " " + name);
            t.setDaemon(true);
            return t;
        };
    }
}
