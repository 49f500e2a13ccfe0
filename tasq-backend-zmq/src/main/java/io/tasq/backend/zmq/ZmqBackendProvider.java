package io.tasq.backend.zmq;

import com.google.auto.service.AutoService;
import io.tasq.spi.Backend;
import io.tasq.spi.BackendProvider;
import io.tasq.spi.BackendUri;
import io.tasq.spi.SettingInfo;
import io.tasq.spi.Settings;
import java.util.List;
import java.util.Set;

/**
 * Serves {@code zmq://host:port[?results-port=P]} (and {@code tcp://}, as the reference wrote it), and
 * {@code zmq://h1:p1,h2:p2,...[?router=R]} for a client over a pool of workers.
 * Stateless.
 */
@AutoService(BackendProvider.class)
public final class ZmqBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("zmq", "tcp");
    }

    @Override
    public List<SettingInfo> settings() {
        return ZmqSettings.INFO;
    }

    @Override
    public Backend create(BackendUri uri, Settings settings) {
        return new ZmqBackend(ZmqSettings.from(uri, settings), uri.toString());
    }
}
