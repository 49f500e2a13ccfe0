package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.Tasq;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.BackendUri;
import org.junit.jupiter.api.Test;

/** {@code redis-cluster://} URLs: what they mean, and the errors a bad one gives, naming the addresses. */
class RedisClusterConnectTest {

    @Test
    void aClusterUrlNamesSeveralNodesWithDefaultPortsAndDatabaseZeroOnly() {
        RedisSettings s = TestRedis.settings("redis-cluster://a:7000,b,c:7002?name=orders");
        assertThat(s.cluster()).isTrue();
        assertThat(s.tls()).isFalse();
        assertThat(s.nodes()).containsExactly(new BackendUri.HostPort("a", 7000), new BackendUri.HostPort("b", 6379),
                new BackendUri.HostPort("c", 7002));
        assertThat(s.queue()).isEqualTo("orders");
        assertThat(TestRedis.settings("rediss-cluster://a:7000?name=q").tls()).isTrue();
        assertThat(TestRedis.settings("redis-cluster://a:7000/0?name=q").database()).isZero();
        assertThatThrownBy(() -> TestRedis.settings("redis-cluster://a:7000/1?name=q"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("only database 0");
        assertThatThrownBy(() -> TestRedis.settings("redis://a:7000,b:7001?name=q"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("redis-cluster://");
    }

    @Test
    void aClusterUrlWithoutNodesIsAConfigurationError() {
        assertThatThrownBy(() -> Tasq.builder().url("redis-cluster://?name=q").settings(TestKeys.client()).queue())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no node in redis-cluster://")
                .hasMessageContaining("name at least one node");
    }

    @Test
    void anUnreachableClusterFailsTheClientAndTheWorkerNamingEveryNode() {
        int a = Ports.free();
        int b = Ports.free();
        String url = "redis-cluster://127.0.0.1:" + a + ",127.0.0.1:" + b + "?name=nowhere";
        assertThatThrownBy(() -> Tasq.builder().url(url).settings(TestKeys.client()).queue())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("cannot reach the Redis Cluster at 127.0.0.1:" + a + ",127.0.0.1:" + b)
                .hasMessageContaining("no node of the Redis Cluster answered")
                .hasMessageContaining("127.0.0.1:" + a + ": ")
                .hasMessageContaining("127.0.0.1:" + b + ": ");
        Worker worker = Worker.builder().backend(url).settings(TestKeys.worker()).build();
        assertThatThrownBy(worker::start).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + a);
    }

    @Test
    void aServerNotInClusterModeIsAConfigurationErrorNamingIt() {
        BackendUri.HostPort server = BackendUri.parse(TestRedis.baseUrl()).host("localhost", 6379);
        String url = "redis-cluster://" + server + "?name=q";
        assertThatThrownBy(() -> Tasq.builder().url(url).settings(TestKeys.client()).queue())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot use " + server + " as a Redis Cluster")
                .hasMessageContaining(server + " is not in cluster mode")
                .hasMessageContaining("redis://host:port");
    }
}
