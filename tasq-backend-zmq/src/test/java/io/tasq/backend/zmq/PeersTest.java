package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.spi.Credentials;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's bindings of client ids to routing ids that proved a key, without sockets. */
class PeersTest {

    private static final long SILENCE = 3_000;
    private final Peers peers = new Peers(EchoWorker.trusted(), "instance-1", SILENCE);

    /** The frames after [HELLO] that {@code credentials} would send for this challenge and instance. */
    private static List<byte[]> hello(Credentials credentials, String client, byte[] routingId, byte[] challenge,
            String instance) {
        List<byte[]> frames = Handshake.hello(credentials, client, routingId, challenge, instance);
        return frames.subList(1, frames.size());
    }

    @Test
    void aValidHelloBindsTheClientIdToItsRoutingIdOnce() {
        byte[] r = Handshake.routingId();
        byte[] c = peers.challenge(r, 0);
        assertThat(peers.challenge(r, 100)).as("the same while pending").isEqualTo(c);
        assertThat(peers.route("alice")).isNull();
        assertThat(peers.hello(r, hello(EchoWorker.trusted(), "alice", r, c, "instance-1"), 200))
                .isEqualTo(Peers.Verdict.BOUND);
        assertThat(peers.route("alice")).isEqualTo(r);
        assertThat(peers.heard(r, 300)).isEqualTo("alice");
        // the challenge was used: the same hello again is ignored
        assertThat(peers.hello(r, hello(EchoWorker.trusted(), "alice", r, c, "instance-1"), 400))
                .isEqualTo(Peers.Verdict.IGNORED);
    }

    @Test
    void aHelloSignedForAnotherRoutingIdChallengeOrWorkerProvesNothing() {
        byte[] r = Handshake.routingId();
        byte[] c = peers.challenge(r, 0);
        byte[] other = Handshake.routingId();
        assertThat(peers.hello(r, hello(EchoWorker.trusted(), "alice", other, c, "instance-1"), 1))
                .isEqualTo(Peers.Verdict.REFUSED);
        assertThat(peers.hello(r, hello(EchoWorker.trusted(), "alice", r, Handshake.challenge(), "instance-1"), 1))
                .isEqualTo(Peers.Verdict.REFUSED);
        assertThat(peers.hello(r, hello(EchoWorker.trusted(), "alice", r, c, "instance-2"), 1))
                .isEqualTo(Peers.Verdict.REFUSED);
        assertThat(peers.hello(r, hello(EchoWorker.untrusted(), "alice", r, c, "instance-1"), 1))
                .isEqualTo(Peers.Verdict.REFUSED);
        assertThat(peers.hello(r, hello(Credentials.none(), "alice", r, c, "instance-1"), 1))
                .isEqualTo(Peers.Verdict.REFUSED);
        assertThat(peers.hello(r, List.of("alice".getBytes(), new byte[1], new byte[1], new byte[5000]), 1))
                .isEqualTo(Peers.Verdict.IGNORED);
        assertThat(peers.route("alice")).isNull();
        assertThat(peers.bound()).isZero();
    }

    @Test
    void aNewerProofReplacesTheOlderBindingAndSilenceDropsIt() {
        byte[] first = Handshake.routingId();
        peers.hello(first, hello(EchoWorker.trusted(), "alice", first, peers.challenge(first, 0), "instance-1"), 0);
        byte[] second = Handshake.routingId();
        peers.hello(second, hello(EchoWorker.trusted(), "alice", second, peers.challenge(second, 10), "instance-1"), 10);
        assertThat(peers.route("alice")).isEqualTo(second);
        assertThat(peers.heard(first, 20)).as("the older routing id proves nothing any more").isNull();
        peers.sweep(10 + SILENCE);
        assertThat(peers.route("alice")).isEqualTo(second);
        peers.sweep(11 + SILENCE);
        assertThat(peers.route("alice")).isNull();
        assertThat(peers.bound()).isZero();
    }

    @Test
    void anUnsignedHelloBindsOnlyWhereUnsignedPeersAreAccepted() {
        Peers insecure = new Peers(EchoWorker.insecure(), "i", SILENCE);
        byte[] r = Handshake.routingId();
        byte[] c = insecure.challenge(r, 0);
        assertThat(insecure.hello(r, hello(Credentials.none(), "plain", r, c, "i"), 0)).isEqualTo(Peers.Verdict.BOUND);
        assertThat(insecure.route("plain")).isEqualTo(r);
    }

    @Test
    void challengesAreBoundedInNumberAndTime() {
        for (int i = 0; i < Peers.MAX_CHALLENGES + 500; i++) {
            peers.challenge(Handshake.routingId(), i);
        }
        assertThat(peers.challenged()).isEqualTo(Peers.MAX_CHALLENGES);
        peers.sweep(Peers.MAX_CHALLENGES + 500 + Peers.CHALLENGE_TTL_MILLIS);
        assertThat(peers.challenged()).isZero();
    }
}
