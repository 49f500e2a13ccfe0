package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.spi.BackendUri;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a worker keeps for clients it cannot reach now: capped, for a time, sent in order; on a fake clock. */
class HeldResultsTest {

    private final FakeClock clock = new FakeClock(1_000_000);

    private HeldResults held(String maxHeld, String ttl) {
        ZmqSettings settings = ZmqSettings.from(BackendUri.parse("zmq://127.0.0.1:9000"),
                Settings.of(Map.of("zmq.max-held-results", maxHeld, "zmq.result-ttl", ttl), "test"));
        return new HeldResults(settings, "test", clock);
    }

    private static ClientMessage result(String client, String jobId) {
        return new ClientMessage(client, Frames.RESULT, Frames.utf8(jobId), new byte[] {1});
    }

    /** Flushes what is held for {@code client} to a connection that takes {@code room} messages; returns their job ids. */
    private static List<String> flush(HeldResults held, String client, int room) {
        List<String> sent = new ArrayList<>();
        held.flush(client, m -> {
            if (sent.size() == room) {
                return false;
            }
            sent.add(Frames.string(m.jobId()));
            return true;
        });
        return sent;
    }

    @Test
    void whatIsHeldGoesToItsClientInOrderAsFarAsItsPipeTakesIt() {
        HeldResults held = held("100", "10m");
        held.hold(result("alice", "a1"));
        held.hold(result("bob", "b1"));
        held.hold(result("alice", "a2"));
        held.hold(result("alice", "a3"));
        assertThat(held.count()).isEqualTo(4);

        assertThat(flush(held, "alice", 2)).containsExactly("a1", "a2");
        assertThat(held.count()).isEqualTo(2);
        assertThat(flush(held, "alice", 10)).containsExactly("a3");
        assertThat(flush(held, "alice", 10)).isEmpty();
        assertThat(flush(held, "nobody", 10)).isEmpty();
        assertThat(held.count()).as("bob's is still held").isEqualTo(1);
    }

    @Test
    void pastTheCapTheOldestOfTheClientIsDropped() {
        HeldResults held = held("3", "10m");
        for (int i = 1; i <= 5; i++) {
            held.hold(result("alice", "a" + i));
        }
        assertThat(held.count()).isEqualTo(3);
        assertThat(flush(held, "alice", 10)).containsExactly("a3", "a4", "a5");
    }

    @Test
    void pastTheCapAClientWithNothingHeldLosesItsNewMessageNotAnotherClientsOldest() {
        HeldResults held = held("2", "10m");
        held.hold(result("alice", "a1"));
        held.hold(result("alice", "a2"));
        held.hold(result("bob", "b1"));
        assertThat(held.count()).isEqualTo(2);
        assertThat(flush(held, "bob", 10)).isEmpty();
        assertThat(flush(held, "alice", 10)).containsExactly("a1", "a2");
    }

    @Test
    void aWorkerThatKeepsNoneHoldsNothing() {
        HeldResults held = held("0", "10m");
        held.hold(result("alice", "a1"));
        assertThat(held.count()).isZero();
        assertThat(flush(held, "alice", 10)).isEmpty();
    }

    @Test
    void whatIsHeldPastItsTimeIsDropped() {
        HeldResults held = held("100", "1m");
        held.hold(result("alice", "old"));
        clock.advance(Duration.ofSeconds(30));
        held.hold(result("alice", "young"));
        held.hold(result("bob", "young-too"));

        clock.advance(Duration.ofSeconds(30));
        held.expire(clock.millis());
        assertThat(held.count()).as("exactly its time: still held").isEqualTo(3);
        clock.advance(Duration.ofMillis(1));
        held.expire(clock.millis());

        assertThat(held.count()).isEqualTo(2);
        assertThat(flush(held, "alice", 10)).containsExactly("young");
        clock.advance(Duration.ofMinutes(1));
        held.expire(clock.millis());
        assertThat(held.count()).isZero();
        assertThat(flush(held, "bob", 10)).isEmpty();
    }
}
