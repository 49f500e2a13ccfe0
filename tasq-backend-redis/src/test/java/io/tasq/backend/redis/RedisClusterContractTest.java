package io.tasq.backend.redis;

import io.tasq.core.testkit.SharedQueueContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared contract, against a private Redis Cluster of three masters and three replicas: each
 * queue is a fresh name, so the queues land on the masters their slots fall to.
 */
class RedisClusterContractTest extends SharedQueueContractTest {

    @TempDir
    static Path dir;

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected String newQueueUrl() {
        return cluster.url(TestRedis.newQueue());
    }

    /** The 100,000-job run is the single-node contract's; on the cluster a shorter one. */
    @Override
    protected int steadyLoadJobs() {
        return 10_000;
    }
}
