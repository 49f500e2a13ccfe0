package io.tasq.core.internal.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tasq.ConfigurationException;
import io.tasq.core.worker.RoutingStrategy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouterTest {

    @Test
    void roundRobinVisitsEachActorInTurn() throws Exception {
        // every actor busy until all are routed: no idle one to prefer, so the turn alone decides
        CountDownLatch release = new CountDownLatch(1);
        Map<String, AtomicInteger> byActor = new ConcurrentHashMap<>();
        Router<Integer> router = new Router<>("rr", 3, RoutingStrategy.ROUND_ROBIN, m -> {
            byActor.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
            awaitQuietly(release);
        });
        for (int i = 0; i < 30; i++) {
            router.route(i);
        }
        release.countDown();
        router.stop();
        assertThat(router.awaitStop(5, TimeUnit.SECONDS)).isTrue();
        assertThat(byActor).hasSize(3).allSatisfy((k, v) -> assertThat(v).hasValue(10));
    }

    @Test
    void noStrategyLeavesAMessageBehindABusyActorWhileAnotherIsIdle() throws Exception {
        for (RoutingStrategy strategy : RoutingStrategy.values()) {
            CountDownLatch release = new CountDownLatch(1);
            Router<String> router = new Router<>("idle", 2, strategy, m -> {
                if (m.equals("long job")) {
                    awaitQuietly(release);
                }
            });
            Actor<String> busy = router.route("long job");
            await().atMost(Duration.ofSeconds(5)).until(() -> router.load() == 1);
            for (int i = 0; i < 20; i++) {
                assertThat(router.route("cancel " + i)).as(strategy.label()).isNotSameAs(busy);
                await().atMost(Duration.ofSeconds(5)).until(() -> router.load() == 1);
            }
            release.countDown();
            router.stop();
            assertThat(router.awaitStop(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void smallestMailboxAvoidsTheBusyActor() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Router<String> router = new Router<>("sm", 2, RoutingStrategy.SMALLEST_MAILBOX, m -> {
            if (m.equals("block")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Actor<String> busy = router.route("block");
        for (int i = 0; i < 10; i++) {
            assertThat(router.route("quick-" + i)).isNotSameAs(busy);
            await().atMost(Duration.ofSeconds(5)).until(() -> router.load() == 1);
        }
        release.countDown();
        router.stop();
        assertThat(router.awaitStop(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void randomSpreadsOverAllActors() throws Exception {
        Map<String, AtomicInteger> byActor = new ConcurrentHashMap<>();
        Router<Integer> router = new Router<>("rnd", 4, RoutingStrategy.RANDOM,
                m -> byActor.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet());
        for (int i = 0; i < 2_000; i++) {
            router.route(i);
        }
        router.stop();
        router.awaitStop(5, TimeUnit.SECONDS);
        assertThat(byActor).hasSize(4);
        assertThat(byActor.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(2_000);
    }

    @Test
    void anActorSurvivesAMessageThatThrows() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        Actor<Integer> actor = new Actor<>("survivor", m -> {
            if (m == 0) {
                throw new IllegalStateException("bad message");
            }
            handled.incrementAndGet();
        });
        actor.tell(0);
        actor.tell(1);
        actor.stop();
        assertThat(actor.awaitStop(5, TimeUnit.SECONDS)).isTrue();
        assertThat(handled).hasValue(1);
    }

    @Test
    void strategiesParseByTheirLabels() {
        assertThat(RoutingStrategy.parse("smallest-mailbox")).isEqualTo(RoutingStrategy.SMALLEST_MAILBOX);
        assertThat(RoutingStrategy.parse("ROUND_ROBIN")).isEqualTo(RoutingStrategy.ROUND_ROBIN);
        assertThatThrownBy(() -> RoutingStrategy.parse("fastest")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("round-robin, random, smallest-mailbox");
    }
}
