package io.tasq.spi;

import io.tasq.ProviderNotFoundException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds providers through {@link ServiceLoader}, by name: a backend by URL scheme, a serializer by
 * name, a signer by algorithm, and the one {@link TasqRuntime}. No provider, or several for one
 * name, is a {@link ProviderNotFoundException} naming the artifact to add or remove; a provider that
 * fails to load is reported and skipped, never silently chosen around.
 *
 * <p>Stateless and thread-safe; looks the classpath up on every call, which is cheap next to opening
 * a connection.
 */
public final class Providers {

    private static final System.Logger LOG = System.getLogger(Providers.class.getName());

    /** The artifact that serves each scheme Tasq ships, for the "add it" message. */
    private static final Map<String, String> KNOWN_SCHEMES = Map.of(
            "zmq", "io.tasq:tasq-backend-zmq",
            "tcp", "io.tasq:tasq-backend-zmq",
            "redis", "io.tasq:tasq-backend-redis",
            "rediss", "io.tasq:tasq-backend-redis",
            "redis-cluster", "io.tasq:tasq-backend-redis",
            "rediss-cluster", "io.tasq:tasq-backend-redis",
            "amqp", "io.tasq:tasq-backend-rabbitmq",
            "amqps", "io.tasq:tasq-backend-rabbitmq");

    private Providers() {
    }

    /** The runtime that makes clients: {@code tasq-core}. */
    public static TasqRuntime runtime() {
        List<TasqRuntime> found = load(TasqRuntime.class);
        if (found.isEmpty()) {
            throw new ProviderNotFoundException("no Tasq runtime on the classpath: add the artifact io.tasq:tasq-core");
        }
        if (found.size() > 1) {
            throw new ProviderNotFoundException("several Tasq runtimes on the classpath ("
                    + names(found, r -> r.getClass().getName()) + "): keep exactly one io.tasq:tasq-core");
        }
        return found.get(0);
    }

    /** The backend provider serving {@code scheme}. */
    public static BackendProvider backend(String scheme) {
        List<BackendProvider> all = load(BackendProvider.class);
        List<BackendProvider> matching = all.stream().filter(p -> p.schemes().contains(scheme)).toList();
        if (matching.isEmpty()) {
            String artifact = KNOWN_SCHEMES.get(scheme);
            String known = all.stream().flatMap(p -> p.schemes().stream()).sorted().collect(Collectors.joining(", "));
            throw new ProviderNotFoundException("no backend for the URL scheme '" + scheme + "'"
                    + (artifact != null ? ": add the artifact " + artifact + " to the classpath"
                            : ": Tasq ships zmq, redis, rediss, redis-cluster, rediss-cluster, amqp and amqps")
                    + (known.isEmpty() ? " (no backend is on the classpath)" : " (on the classpath: " + known + ")"));
        }
        if (matching.size() > 1) {
            throw new ProviderNotFoundException("several backends claim the URL scheme '" + scheme + "' ("
                    + names(matching, p -> p.getClass().getName()) + "): keep only one on the classpath, or pass "
                    + "the backend explicitly with Tasq.builder().backend(...)");
        }
        return matching.get(0);
    }

    /** A backend for {@code url}, from the provider serving its scheme. */
    public static Backend backend(String url, Settings settings) {
        BackendUri uri = BackendUri.parse(url);
        return backend(uri.scheme()).create(uri, settings);
    }

    /** The serializer provider named {@code name}. */
    public static SerializerProvider serializer(String name) {
        return one(SerializerProvider.class, SerializerProvider::name, name, "serializer",
                "io.tasq:tasq-core provides 'fory'");
    }

    /** The signer provider for {@code algorithm}. */
    public static SignerProvider signer(String algorithm) {
        return one(SignerProvider.class, SignerProvider::algorithm, algorithm, "signing algorithm",
                "io.tasq:tasq-core provides 'hmac-sha256' and 'ed25519'");
    }

    /** Every backend provider on the classpath. */
    public static List<BackendProvider> backends() {
        return load(BackendProvider.class);
    }

    /** Every signer provider on the classpath. */
    public static List<SignerProvider> signers() {
        return load(SignerProvider.class);
    }

    private static <T> T one(Class<T> type, Function<T, String> nameOf, String name, String what, String hint) {
        List<T> all = load(type);
        List<T> matching = all.stream().filter(p -> nameOf.apply(p).equals(name)).toList();
        if (matching.isEmpty()) {
            throw new ProviderNotFoundException("no " + what + " named '" + name + "' (" + hint + "; on the classpath: "
                    + (all.isEmpty() ? "none" : names(all, nameOf)) + ")");
        }
        if (matching.size() > 1) {
            throw new ProviderNotFoundException("several providers of the " + what + " '" + name + "' ("
                    + names(matching, p -> p.getClass().getName()) + "): keep only one on the classpath");
        }
        return matching.get(0);
    }

    private static <T> List<T> load(Class<T> type) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type, Providers.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.log(System.Logger.Level.ERROR, "a " + type.getSimpleName()
                        + " on the classpath failed to load and is skipped: " + e.getMessage(), e);
            }
        }
        return found;
    }

    private static <T> String names(List<T> items, Function<T, String> nameOf) {
        return items.stream().map(nameOf).collect(Collectors.joining(", "));
    }
}
