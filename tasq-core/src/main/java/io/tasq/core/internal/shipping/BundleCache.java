package io.tasq.core.internal.shipping;

import io.tasq.core.internal.wire.InvalidEnvelopeException;
import io.tasq.SignatureVerificationException;
import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.spi.ClassFilter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of code shipping: turns a job's signed bundle hash and bundle bytes into an
 * isolated class loader, cached by hash. A bundle already cached is not hashed or defined again
 * (the signed hash names it; the bytes that came with the job are ignored). A new one is hashed,
 * compared with the signed hash in constant time, checked for protected packages, and defined in
 * its own {@link BundleClassLoader} whose parent is the worker's loader.
 *
 * <p>At most {@code maxBundles} are kept, least recently used first out, and any unused for
 * {@code idle} is dropped; {@code onEvict} is told so that caches keyed by the loader let it go,
 * and the loader is collected once no running job holds it. Thread-safe.
 */
public final class BundleCache {

    private static final Logger LOG = LoggerFactory.getLogger(BundleCache.class);

    /** A bundle ready for use: its loader, and the filter allowing its classes on top of the policy. */
    public record Loaded(String id, ClassLoader loader, ClassFilter filter) {
    }

    private record Entry(Loaded loaded, long lastUse) {
    }

    private final ClassLoader parent;
    private final ClassPolicy policy;
    private final int maxBundles;
    private final Duration idle;
    private final Clock clock;
    private final int maxBytes;
    private final Consumer<ClassLoader> onEvict;
    private final Map<ByteBuffer, Entry> bundles = new LinkedHashMap<>(16, 0.75f, true);

    public BundleCache(ClassLoader parent, ClassPolicy policy, int maxBundles, Duration idle, Clock clock,
            int maxBytes, Consumer<ClassLoader> onEvict) {
        this.parent = parent;
        this.policy = policy;
        this.maxBundles = maxBundles;
        this.idle = idle;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.onEvict = onEvict;
    }

    /** Whether the bundle named by this hash is defined here already (its bytes would not be read). */
    public boolean holds(byte[] signedHash) {
        synchronized (bundles) {
            return bundles.containsKey(ByteBuffer.wrap(signedHash));
        }
    }

    /**
     * The loader for a bundle whose hash was signed with the job.
     *
     * @throws SignatureVerificationException if the bundle's bytes do not match the signed hash
     * @throws InvalidEnvelopeException if the bundle is malformed or holds protected classes
     */
    public Loaded load(byte[] signedHash, byte[] wire) {
        ByteBuffer key = ByteBuffer.wrap(signedHash.clone());
        long now = clock.millis();
        List<ClassLoader> evicted = new ArrayList<>();
        Loaded loaded;
        synchronized (bundles) {
            Entry e = bundles.get(key);
            if (e != null) {
                bundles.put(key, new Entry(e.loaded(), now));
                loaded = e.loaded();
            } else {
                loaded = define(signedHash, wire);
                bundles.put(key, new Entry(loaded, now));
            }
            expire(now, evicted);
        }
        evicted.forEach(onEvict);
        return loaded;
    }

    private Loaded define(byte[] signedHash, byte[] wire) {
        if (!MessageDigest.isEqual(Bundle.sha256(wire), signedHash)) {
            throw new SignatureVerificationException("the job's code bundle does not match its signed hash: it was "
                    + "altered after signing, or corrupted in transit");
        }
        Bundle bundle = Bundle.read(wire, maxBytes);
        for (String name : bundle.classes().keySet()) {
            if (Packages.neverShipped(name)) {
                throw new InvalidEnvelopeException("the job's code bundle holds " + name + ", a JDK or Tasq class, "
                        + "which a bundle may not replace");
            }
        }
        String id = HexFormat.of().formatHex(signedHash, 0, 8);
        BundleClassLoader loader = new BundleClassLoader("tasq-bundle-" + id, parent, bundle.classes());
        ClassFilter filter = name -> policy.allows(name) || loader.holds(componentName(name));
        LOG.debug("defined code bundle {} with {} classes", id, bundle.classes().size());
        return new Loaded(id, loader, filter);
    }

    private void expire(long now, List<ClassLoader> evicted) {
        long idleMillis = idle.toMillis();
        for (Iterator<Entry> it = bundles.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (bundles.size() > maxBundles || now - e.lastUse() > idleMillis) {
                it.remove();
                evicted.add(e.loaded().loader());
            } else {
                break; // access order: the rest were used more recently
            }
        }
    }

    /** How many bundles are cached. */
    public int size() {
        synchronized (bundles) {
            return bundles.size();
        }
    }

    private static String componentName(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '[') {
            i++;
        }
        return i > 0 && name.endsWith(";") ? name.substring(i + 1, name.length() - 1) : name;
    }
}
