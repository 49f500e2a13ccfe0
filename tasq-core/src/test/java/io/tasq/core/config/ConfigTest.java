package io.tasq.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ConfigurationException;
import io.tasq.spi.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void fileThenEnvironmentThenFlagsEachWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conf.json");
        Files.writeString(file, "{\"worker\": {\"concurrency\": 2, \"router\": \"random\"}, \"sign.key\": \"from-the-file-1234\","
                + " \"worker.allow-classes\": [\"com.a.*\", \"com.b.**\"]}");
        Map<String, String> env = Map.of("TASQ_CONF", file.toString(), "TASQ_WORKER_CONCURRENCY", "3",
                "TASQ_UNRELATED_THING", "ignored");
        Settings s = Config.load(env, null, Map.of("worker.router", "smallest-mailbox"), "flag");
        assertThat(s.get("worker.concurrency")).hasValue("3");
        assertThat(s.sourceOf("worker.concurrency")).isEqualTo("environment");
        assertThat(s.get("worker.router")).hasValue("smallest-mailbox");
        assertThat(s.sourceOf("worker.router")).isEqualTo("flag");
        assertThat(s.get("sign.key")).hasValue("from-the-file-1234");
        assertThat(s.sourceOf("sign.key")).isEqualTo("file " + file);
        assertThat(s.get("worker.allow-classes")).hasValue("com.a.*,com.b.**");
        assertThat(s.toString()).doesNotContain("from-the-file").contains("sign.key=****");
    }

    @Test
    void unknownKeysAreErrorsNamingKeyAndFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conf.json");
        Files.writeString(file, "{\"worker.concurency\": 2}");
        assertThatThrownBy(() -> Config.load(Map.of(), file, Map.of(), "flag"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'worker.concurency' (from file " + file + ")");
    }

    @Test
    void aBackendsOwnSettingsAreListedSettableAndNamedInTheError(@TempDir Path dir) throws Exception {
        assertThat(Config.all()).anySatisfy(i -> {
            assertThat(i.key()).isEqualTo("mq9.linger");
            assertThat(i.envVar()).isEqualTo("TASQ_MQ9_LINGER");
        });
        Path file = dir.resolve("conf.json");
        Files.writeString(file, "{\"mq9.linger\": \"9s\"}");
        Settings s = Config.load(Map.of("TASQ_MQ9_LINGER", "7s"), file, Map.of(), "flag");
        assertThat(s.get("mq9.linger")).hasValue("7s");
        assertThat(s.sourceOf("mq9.linger")).isEqualTo("environment");
        Files.writeString(file, "{\"worker.concurency\": 2}");
        assertThatThrownBy(() -> Config.load(Map.of(), file, Map.of(), "flag"))
                .hasMessageContaining("backend settings under amqp., mq9., redis., zmq.");
    }

    @Test
    void badFilesAreErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"worker.concurrency\": ");
        assertThatThrownBy(() -> Config.load(Map.of(), file, Map.of(), "flag"))
                .hasMessageContaining("broken.json is not valid JSON");
        assertThatThrownBy(() -> Config.load(Map.of(), dir.resolve("missing.json"), Map.of(), "flag"))
                .hasMessageContaining("missing.json does not exist");
    }

    @Test
    void badValuesNameKeyValueAndSource() {
        Settings s = Settings.of(Map.of("worker.concurrency", "many", "worker.shutdown-timeout", "soon"), "flag");
        assertThatThrownBy(() -> s.getInt("worker.concurrency", 1, 1, 100))
                .hasMessage("setting 'worker.concurrency' (from flag): 'many' is not a whole number");
        assertThatThrownBy(() -> s.getDuration("worker.shutdown-timeout", null))
                .hasMessageContaining("'soon' is not a duration");
    }
}
