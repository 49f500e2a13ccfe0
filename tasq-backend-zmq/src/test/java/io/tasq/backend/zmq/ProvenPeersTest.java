package io.tasq.backend.zmq;

import static io.tasq.backend.zmq.ZmqFixture.WAIT;
import static io.tasq.backend.zmq.ZmqFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tasq.spi.Credentials;
import io.tasq.spi.JobProducer;
import io.tasq.spi.OutboundJob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.ZMQ;

/**
 * Results go only to a peer that proved a trusted key: peers that claim a client's id, or connect
 * with a routing id in use, or prove nothing, get none of its results, over real sockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvenPeersTest {

    @RegisterExtension
    final ZmqFixture zmq = new ZmqFixture();

    @Test
    void peersClaimingAClientsIdGetNoneOfItsResultsWhileTheClientGetsThemAll() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        int resultsPort = worker.port + 1;
        // the old attack: a DEALER whose identity is the victim's client id
        RawPeer sameId = zmq.rawPeer(resultsPort, utf8("victim"));
        // a random id that never proves a key, one that claims the victim unsigned, one with a foreign key
        RawPeer silent = zmq.rawPeer(resultsPort, Handshake.routingId());
        RawPeer unsigned = zmq.rawPeer(resultsPort, Handshake.routingId());
        RawPeer foreignKey = zmq.rawPeer(resultsPort, Handshake.routingId());
        List<RawPeer> attackers = List.of(sameId, silent, unsigned, foreignKey);
        sameId.ping();
        assertThat(sameId.await(Frames.CHALLENGE, WAIT, true)).as("a challenge, not a pong").isNotNull();
        silent.ping();
        assertThat(silent.await(Frames.CHALLENGE, WAIT, true)).isNotNull();
        assertThat(unsigned.hello("victim", Credentials.none(), WAIT)).first()
                .satisfies(f -> assertThat(Frames.is(f, Frames.REFUSED)).as("refused").isTrue());
        assertThat(foreignKey.hello("victim", EchoWorker.untrusted(), WAIT)).first()
                .satisfies(f -> assertThat(Frames.is(f, Frames.REFUSED)).as("refused").isTrue());

        List<String> results = new CopyOnWriteArrayList<>();
        JobProducer victim = zmq.producer(worker, EchoWorker.trusted(), "victim",
                body -> results.add(new String(body, StandardCharsets.UTF_8)));
        for (int i = 0; i < 50; i++) {
            victim.send(new OutboundJob("job-" + i, "victim", EchoWorker.job("victim", "job-" + i, "secret"), 0));
        }
        await().atMost(WAIT).until(() -> results.size() >= 50);

        // one more round trip with each: whatever the worker sent it before this answer has arrived
        for (RawPeer p : attackers) {
            p.ping();
            assertThat(p.await(Frames.CHALLENGE, WAIT, true)).isNotNull();
        }
        for (RawPeer p : attackers) {
            assertThat(p.got(Frames.RESULT)).as("a result reached a peer that proved no key").isFalse();
            assertThat(p.got(Frames.PONG)).isFalse();
        }
        assertThat(results).hasSize(50).allSatisfy(r -> assertThat(r).startsWith("victim:job-"));
    }

    @Test
    void aResultWaitsForAPeerThatProvesItsKeyAndGoesToNoOtherOnTheWay() {
        EchoWorker worker = zmq.echoWorker(Map.of());
        int resultsPort = worker.port + 1;
        ZMQ.Socket push = zmq.push(worker.port);
        push.send(Frames.job(utf8("held-1"), 1, utf8("away"), EchoWorker.job("away", "held-1", "kept")), 0);
        await().atMost(WAIT).until(() -> worker.deliveries.size() == 1);

        RawPeer claimant = zmq.rawPeer(resultsPort, Handshake.routingId());
        assertThat(Frames.is(claimant.hello("away", Credentials.none(), WAIT).get(0), Frames.REFUSED)).isTrue();
        RawPeer owner = zmq.rawPeer(resultsPort, Handshake.routingId());
        assertThat(Frames.is(owner.hello("away", EchoWorker.trusted(), WAIT).get(0), Frames.PONG)).isTrue();
        List<byte[]> result = owner.await(Frames.RESULT, WAIT, false);
        assertThat(result).isNotNull();
        assertThat(Frames.result(result.get(0)).jobId()).isEqualTo("held-1");

        claimant.ping();
        assertThat(claimant.await(Frames.CHALLENGE, WAIT, true)).isNotNull();
        assertThat(claimant.got(Frames.RESULT)).isFalse();
    }

    @Test
    void aSecondConnectionWithAProvenRoutingIdIsIgnored() throws Exception {
        EchoWorker worker = zmq.echoWorker(Map.of());
        int resultsPort = worker.port + 1;
        RawPeer owner = zmq.rawPeer(resultsPort, Handshake.routingId());
        assertThat(Frames.is(owner.hello("owner", EchoWorker.trusted(), WAIT).get(0), Frames.PONG)).isTrue();
        // the same routing id (learnt somehow) on a second connection: no handover, so the ROUTER ignores it
        RawPeer twin = zmq.rawPeer(resultsPort, owner.routingId);
        twin.ping();
        ZMQ.Socket push = zmq.push(worker.port);
        for (int i = 0; i < 20; i++) {
            twin.ping();
            push.send(Frames.job(utf8("j" + i), 1, utf8("owner"), EchoWorker.job("owner", "j" + i, "x")), 0);
            assertThat(owner.await(Frames.RESULT, WAIT, false)).isNotNull();
        }
        // the owner got every result; the twin got none of them (JeroMQ leaves its connection unidentified,
        // and at most takes its next message's first frame for an id of its own, which proves nothing)
        twin.drain();
        assertThat(twin.got(Frames.RESULT)).isFalse();
        assertThat(twin.got(Frames.PONG)).isFalse();
    }

    @Test
    void aWorkerThatAcceptsUnsignedPeersBindsAnUnsignedHello() {
        EchoWorker worker = zmq.echoWorker(Map.of(), EchoWorker.insecure());
        List<String> results = new CopyOnWriteArrayList<>();
        JobProducer client = zmq.producer(worker, Credentials.none(), "plain",
                body -> results.add(new String(body, StandardCharsets.UTF_8)));
        client.send(new OutboundJob("p-1", "plain", EchoWorker.job("plain", "p-1", "hi"), 0));
        await().atMost(WAIT).until(() -> results.size() == 1);
    }
}
