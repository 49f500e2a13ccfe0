package io.tasq.bench;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The brokerless transport's own limit: a JeroMQ PUSH/PULL echo, one per client (a PULL socket that
 * sends back everything it receives on a PUSH socket), over loopback TCP like the ZMQ backend.
 */
final class ZmqEcho implements BenchTarget {

    private final ZContext ctx = new ZContext();
    private final String host;
    private final EchoLoops loops = new EchoLoops();

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
        loops.start("tasq-bench-zmq-echo-" + client, () -> {
            byte[] m = echoIn.recv(0);
            if (m != null) {
                echoOut.send(m, 0);
            }
        });
        loops.start("tasq-bench-zmq-client-" + client, () -> {
            byte[] m = pull.recv(0);
            if (m != null) {
                answers.answered(EchoFrames.startOf(m), true);
            }
        });
        return (payload, start) -> push.send(EchoFrames.frame(client, start, payload), 0);
    }

    private ZMQ.Socket socket(SocketType type) {
        ZMQ.Socket s = ctx.createSocket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(100);
        s.setSndHWM(100_000);
        s.setRcvHWM(100_000);
        return s;
    }

    @Override
    public void close() {
        loops.stop(2000);
        ctx.close();
    }
}
