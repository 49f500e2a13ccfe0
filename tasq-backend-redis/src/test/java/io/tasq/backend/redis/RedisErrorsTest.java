package io.tasq.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tasq.BackendUnavailableException;
import io.tasq.ConfigurationException;
import io.tasq.TasqException;
import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Which Tasq exception each kind of Jedis failure becomes, and what its message names. */
class RedisErrorsTest {

    private static final String URL = "redis://127.0.0.1:6390?name=errs";
    private static final RedisSettings SETTINGS = TestRedis.settings(URL);
    private static final String WHERE = "Redis at 127.0.0.1:6390";

    private static TasqException failure(JedisException e) {
        return RedisErrors.failure(e, SETTINGS, URL, WHERE);
    }

    @Test
    void refusedCredentialsAreAConfigurationError() {
        assertThat(failure(new JedisAccessControlException("WRONGPASS invalid username-password pair")))
                .isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageContaining(WHERE + " (" + URL + ") refused the credentials")
                .hasMessageContaining("redis://user:password@host:port");
        assertThat(failure(new JedisDataException("NOAUTH Authentication required.")))
                .isExactlyInstanceOf(ConfigurationException.class).hasMessageContaining("refused the credentials");
    }

    @Test
    void aMissingDatabaseIsAConfigurationError() {
        assertThat(failure(new JedisDataException("ERR DB index is out of range")))
                .isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no database 0");
    }

    @Test
    void aServerThatIsNotReadyIsUnavailableForNow() {
        assertThat(failure(new JedisDataException("LOADING Redis is loading the dataset in memory")))
                .isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("is not ready").hasMessageContaining("try again in a moment");
    }

    @Test
    void aTlsFailureAnywhereInTheCausesSaysWhatToTrust() {
        JedisConnectionException e = new JedisConnectionException(new SSLHandshakeException("PKIX path building failed"));
        assertThat(failure(e)).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("the TLS handshake with " + WHERE).hasMessageContaining("redis.tls-ca");
    }

    @Test
    void anUnreachableServerSaysWhatToCheck() {
        JedisConnectionException e = new JedisConnectionException("Failed to connect",
                new ConnectException("Connection refused."));
        assertThat(failure(e)).isExactlyInstanceOf(BackendUnavailableException.class)
                .hasMessage("cannot reach " + WHERE + " (" + URL + "): Failed to connect: Connection refused"
                        + "; is redis-server running there and reachable?");
    }

    @Test
    void anErrorTheRealServerAnswersNamesTheKeysAnotherProgramMayUse() {
        String url = TestRedis.url(TestRedis.newQueue());
        try (Jedis j = TestRedis.jedis(url)) {
            String key = "tasq:{" + TestRedis.settings(url).queue() + "}:not-a-list";
            j.set(key, "x");
            try {
                JedisDataException e = catchThrowableOfType(JedisDataException.class, () -> j.lpush(key, "y"));
                assertThat(RedisErrors.isTransient(e)).isFalse();
                assertThat(RedisErrors.failure(e, TestRedis.settings(url), url, "Redis"))
                        .isExactlyInstanceOf(TasqException.class)
                        .hasMessageContaining("answered with an error: WRONGTYPE")
                        .hasMessageContaining("tasq:{" + TestRedis.settings(url).queue() + "}:*");
            } finally {
                j.del(key);
            }
        }
    }

    @Test
    void onlyErrorsThatGoAwayByThemselvesAreTransient() {
        for (String m : new String[] {"LOADING x", "BUSY x", "TRYAGAIN x", "OOM x", "READONLY x", "MASTERDOWN x",
                "CLUSTERDOWN x", "MOVED 1 h:1", "ASK 1 h:1"}) {
            assertThat(RedisErrors.isTransient(new JedisDataException(m))).as(m).isTrue();
        }
        assertThat(RedisErrors.isTransient(new JedisDataException("ERR unknown command"))).isFalse();
        assertThat(RedisErrors.isTransient(new JedisDataException("NOSCRIPT No matching script"))).isFalse();
    }

    @Test
    void theMessageJoinsTheCausesOnceWithoutFinalPeriods() {
        Exception e = new JedisConnectionException("Failed to connect.",
                new RuntimeException("Failed to connect", new ConnectException("refused.")));
        assertThat(RedisErrors.message(e)).isEqualTo("Failed to connect: refused");
        assertThat(RedisErrors.message(new RuntimeException((String) null))).isEmpty();
    }
}
