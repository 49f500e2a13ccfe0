package io.tasq.worker;

import java.util.ArrayList;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The brokerless transport's own limit: a JeroMQ PUSH/PULL echo, one per client (a PULL socket that
 * sends back everything it receives on a PUSH socket), over loopback TCP like the ZMQ backend.
 */
final class ZmqEcho implements BenchTarget {

    private final ZContext ctx = new ZContext();
    private final String host;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    ZmqEcho(String host) {
        this.host = host.equals("0.0.0.0") || host.equals("*") ? "127.0.0.1" : host;
    }

    @Override
    public Lane open(int client, Answers answers) {
        ZMQ.Socket echoIn = socket(SocketType.PULL);
        ZMQ.Socket echoOut = socket(SocketType.PUSH);
        int in = echoIn.bindToRandomPort("tcp://" + host);
        int out = echoOut.bindToRandomPort("tcp://" + host);
        ZMQ.Socket push = socket(SocketType.PUSH);
        ZMQ.Socket pull = socket(SocketType.PULL);
        push.connect("tcp://" + host + ":" + in);
        pull.connect("tcp://" + host + ":" + out);
        loop("tasq-bench-zmq-echo-" + client, () -> {
            byte[] m = echoIn.recv(0);
            if (m != null) {
                echoOut.send(m, 0);
            }
        });
        loop("tasq-bench-zmq-client-" + client, () -> {
            byte[] m = pull.recv(0);
            if (m != null) {
                answers.answered(BenchTarget.startOf(m), true);
            }
        });
        return (payload, start) -> push.send(BenchTarget.frame(client, start, payload), 0);
    }

    private ZMQ.Socket socket(SocketType type) {
        ZMQ.Socket s = ctx.createSocket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(100);
        s.setSndHWM(100_000);
        s.setRcvHWM(100_000);
        return s;
    }

    /** Runs {@code step} until closed; a socket is used by the thread that runs its loop only. */
    private void loop(String name, Runnable step) {
        Thread t = new Thread(() -> {
            try {
                while (running) {
                    step.run();
                }
            } catch (ZMQException e) {
                // the context is closing
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    @Override
    public void close() {
        running = false;
        try {
            for (Thread t : threads) {
                t.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ctx.close();
    }
}
