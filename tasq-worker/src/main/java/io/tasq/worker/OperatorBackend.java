package io.tasq.worker;

import io.tasq.core.security.KeyCredentials;
import io.tasq.spi.Backend;
import io.tasq.spi.Providers;
import io.tasq.spi.Settings;

/** The backend an operator's command talks to, holding the operator's key so that workers answer it. */
final class OperatorBackend {

    private OperatorBackend() {
    }

    /** Opens nothing yet: the backend for {@code url}, with the keys the settings name. */
    static Backend open(String url, Settings settings) {
        Backend b = Providers.backend(url, settings);
        b.useCredentials(KeyCredentials.from(settings));
        return b;
    }
}
