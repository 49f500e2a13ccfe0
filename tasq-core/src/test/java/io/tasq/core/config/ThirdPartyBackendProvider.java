package io.tasq.core.config;

import io.tasq.ConfigurationException;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendProvider;
import io.tasq.spi.BackendUri;
import io.tasq.spi.SettingInfo;
import io.tasq.spi.Settings;
import java.util.List;
import java.util.Set;

/**
 * A backend provider written outside this project, as a user would write one: its settings live
 * under a prefix of its own ({@code mq9.}), which the configuration must accept like the bundled
 * backends' prefixes. It makes no backend.
 */
public final class ThirdPartyBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("mq9");
    }

    @Override
    public Backend create(BackendUri uri, Settings settings) {
        throw new ConfigurationException("mq9:// is a stand-in for the configuration tests; it makes no backend");
    }

    @Override
    public List<SettingInfo> settings() {
        return List.of(new SettingInfo("mq9.linger", "5s", "how long the stand-in backend lingers"));
    }
}
