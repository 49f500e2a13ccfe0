package io.tasq.backend.zmq;

import io.tasq.spi.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's side of the {@link Handshake}: which routing ids proved a trusted key, for which
 * client id, and the challenges it handed out. A result goes to a client id's routing id only once
 * that routing id proved a key; a binding is dropped when its peer has been silent for the worker
 * timeout (a client pings far more often), and a peer that comes back proves its key again.
 *
 * <p>Bounded whatever peers send: a challenge is kept per routing id that asked for one, at most
 * {@link #MAX_CHALLENGES} (the oldest dropped) and at most {@link #CHALLENGE_TTL_MILLIS}; a
 * binding exists only for a peer that holds a trusted key.
 *
 * <p>Not thread-safe: owned by the worker's IO thread.
 */
final class Peers {

    static final int MAX_CHALLENGES = 10_000;
    static final long CHALLENGE_TTL_MILLIS = 60_000;
    private static final int MAX_FIELD_BYTES = 1024;

    /** What a hello came to. */
    enum Verdict {
        /** The peer proved a trusted key (or is unsigned and the worker accepts that): it is bound. */
        BOUND,
        /** It proved nothing: the worker tells it so. */
        REFUSED,
        /** There was no challenge pending for it (an old or unasked hello): ignored, its next ping gets one. */
        IGNORED
    }

    private static final class Peer {
        final String clientId;
        long lastSeen;

        Peer(String clientId, long lastSeen) {
            this.clientId = clientId;
            this.lastSeen = lastSeen;
        }
    }

    private record Challenge(byte[] bytes, long at) {
    }

    private final Credentials credentials;
    private final String instance;
    private final long silenceMillis;
    /** Keyed by routing id, as a Latin-1 string (one char per byte, so equal bytes give equal keys). */
    private final Map<String, Peer> byRoute = new HashMap<>();
    private final Map<String, String> routeOfClient = new HashMap<>();
    private final LinkedHashMap<String, Challenge> challenges = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Challenge> eldest) {
            return size() > MAX_CHALLENGES;
        }
    };
    private String lastRefusal = "";

    Peers(Credentials credentials, String instance, long silenceMillis) {
        this.credentials = credentials;
        this.instance = instance;
        this.silenceMillis = silenceMillis;
    }

    private static String key(byte[] routingId) {
        return new String(routingId, StandardCharsets.ISO_8859_1);
    }

    /** The client id this routing id proved a key for, or null; marks the peer as heard from. */
    String heard(byte[] routingId, long now) {
        Peer p = byRoute.get(key(routingId));
        if (p == null) {
            return null;
        }
        p.lastSeen = now;
        return p.clientId;
    }

    /** The routing id bound to this client id, or null if no peer proved a key for it (or it went silent). */
    byte[] route(String clientId) {
        String r = routeOfClient.get(clientId);
        return r == null ? null : r.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The challenge for this routing id: the one pending, or a new one. */
    byte[] challenge(byte[] routingId, long now) {
        String k = key(routingId);
        Challenge c = challenges.get(k);
        if (c == null || now - c.at() > CHALLENGE_TTL_MILLIS) {
            c = new Challenge(Handshake.challenge(), now);
            challenges.remove(k); // re-inserted last: the oldest are dropped first
            challenges.put(k, c);
        }
        return c.bytes();
    }

    /**
     * Checks a hello ({@code args}: client id, then algorithm, key id and signature when signed)
     * against the challenge this routing id was given, and binds the client id to it if it holds.
     */
    Verdict hello(byte[] routingId, List<byte[]> args, long now) {
        String k = key(routingId);
        Challenge c = challenges.get(k);
        if (c == null || (args.size() != 1 && args.size() != 4) || args.get(0).length > MAX_FIELD_BYTES) {
            return Verdict.IGNORED;
        }
        String clientId = Frames.string(args.get(0));
        boolean ok;
        if (args.size() == 1) {
            ok = credentials.acceptsUnsigned();
            lastRefusal = "client '" + clientId + "' signs nothing and this worker accepts no unsigned peer";
        } else if (args.get(1).length > MAX_FIELD_BYTES || args.get(2).length > MAX_FIELD_BYTES
                || args.get(3).length > MAX_FIELD_BYTES) {
            return Verdict.IGNORED;
        } else {
            String algorithm = Frames.string(args.get(1));
            String keyId = Frames.string(args.get(2));
            byte[] data = Handshake.signed(clientId, routingId, c.bytes(), instance);
            try {
                ok = credentials.verify(algorithm, keyId, data, args.get(3));
            } catch (RuntimeException e) {
                ok = false; // a signature a verifier cannot even read proves nothing
            }
            lastRefusal = "client '" + clientId + "' signed with " + algorithm + " key '" + keyId
                    + "', which this worker does not trust (or the signature does not match)";
        }
        if (!ok) {
            return Verdict.REFUSED;
        }
        challenges.remove(k);
        bind(k, clientId, now);
        return Verdict.BOUND;
    }

    /** Why the last hello was refused, for the log (it quotes what the peer claimed). */
    String lastRefusal() {
        return lastRefusal;
    }

    private void bind(String route, String clientId, long now) {
        Peer before = byRoute.put(route, new Peer(clientId, now));
        if (before != null && route.equals(routeOfClient.get(before.clientId))) {
            routeOfClient.remove(before.clientId);
        }
        String older = routeOfClient.put(clientId, route);
        if (older != null && !older.equals(route)) {
            byRoute.remove(older); // the newer proof wins: a client that reconnected has a new routing id
        }
    }

    /** Drops bindings silent past the worker timeout, and challenges never answered. */
    void sweep(long now) {
        for (Iterator<Map.Entry<String, Peer>> it = byRoute.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Peer> e = it.next();
            if (now - e.getValue().lastSeen > silenceMillis) {
                it.remove();
                routeOfClient.remove(e.getValue().clientId, e.getKey());
            }
        }
        for (Iterator<Challenge> it = challenges.values().iterator(); it.hasNext(); ) {
            if (now - it.next().at() <= CHALLENGE_TTL_MILLIS) {
                break; // oldest first: the rest are younger
            }
            it.remove();
        }
    }

    int bound() {
        return byRoute.size();
    }

    int challenged() {
        return challenges.size();
    }
}
