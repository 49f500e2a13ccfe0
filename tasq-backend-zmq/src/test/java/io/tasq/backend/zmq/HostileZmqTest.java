package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.JobOptions;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.security.KeyCredentials;
import io.tasq.core.testkit.HostileContractTest;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input contract over real loopback sockets: an attacker who can reach a worker's ports.
 * With no broker to guard them, results and operator requests must also go only to peers that proved
 * a trusted key, which the last two tests check.
 */
class HostileZmqTest extends HostileContractTest {

    @Override
    protected String newQueueUrl() {
        // each worker its own queue name: a job is signed for one, and refused by a worker of another
        return "zmq://127.0.0.1:" + Ports.freePair() + "?name=hostile-" + System.nanoTime();
    }

    @Override
    protected boolean sharedQueue() {
        return false;
    }

    @Test
    void aPeerThatProvesNoKeyReceivesNoResultsEvenUnderAnotherClientsId() {
        String url = newQueueUrl();
        startWorker(url, 2);
        TasqClient victim = connected(url);
        List<byte[]> stolen = new CopyOnWriteArrayList<>();
        // a peer that connects as the victim, with no key to prove it
        closeLater(rawBackend(url).openProducer(victim.clientId(), stolen::add));
        List<TasqFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(victim.schedule(n -> n * 2, i, JobOptions.defaults()));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).unwrap(Duration.ofSeconds(30))).isEqualTo(i * 2);
        }
        assertThat(stolen).as("results reached a peer that proved no key").isEmpty();
    }

    @Test
    void anOperatorRequestWithoutATrustedKeyIsRefused() {
        String url = newQueueUrl();
        startWorker(url, 1);
        DeadLetters anonymous = rawBackend(url).feature(DeadLetters.class).orElseThrow();
        assertThatThrownBy(anonymous::count).hasMessageContaining("key");
        Backend operator = closeLater(Providers.backend(url, Settings.empty()));
        operator.useCredentials(KeyCredentials.from(TestKeys.worker()));
        assertThat(operator.feature(DeadLetters.class).orElseThrow().count()).isZero();
    }
}
