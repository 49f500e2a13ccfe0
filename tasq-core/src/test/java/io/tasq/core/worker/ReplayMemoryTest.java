package io.tasq.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayMemoryTest {

    @Test
    void aKeyIsTakenOnceUntilItExpires() {
        ReplayMemory m = new ReplayMemory(10);
        assertThat(m.claim("c/1", 1_000, 0)).isTrue();
        assertThat(m.claim("c/1", 1_000, 500)).isFalse();
        assertThat(m.claim("c/1", 1_000, 999)).isFalse();
        // past its expiry the envelope itself is refused as expired; the memory may forget it
        assertThat(m.claim("c/1", 2_000, 1_000)).isTrue();
    }

    @Test
    void aReleasedKeyCanBeTakenByItsNextDelivery() {
        ReplayMemory m = new ReplayMemory(10);
        assertThat(m.claim("c/1", 1_000, 0)).isTrue();
        m.release("c/1");
        assertThat(m.claim("c/1", 1_000, 1)).isTrue();
        assertThat(m.claim("c/1", 1_000, 2)).isFalse();
    }

    @Test
    void itStaysWithinItsCapacityForgettingExpiredKeysFirstThenTheOldest() {
        ReplayMemory m = new ReplayMemory(3);
        m.claim("expired", 10, 0);
        m.claim("a", 1_000, 0);
        m.claim("b", 1_000, 0);
        m.claim("c", 1_000, 20); // over capacity: the expired key goes, not the oldest live one
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.claim("a", 1_000, 21)).isFalse();
        for (int i = 0; i < 10_000; i++) {
            m.claim("k" + i, 1_000, 21);
        }
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.claim("k9999", 1_000, 22)).isFalse();
    }
}
